/**
 * The pieces of a MasterSecretRotation, one function each, in the order the component creates them: the function's
 * network path (its security group, its two egress rules, the database's ingress rule), then the rotation function
 * from the Serverless Application Repository. Child names are the ones the component has always used
 * (`<name>-sg`, `<name>-to-db`, …): URNs are part of the contract, so a piece moving here must not rename anything.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { regionCode } from "../shared/regions";
import type { MasterSecretRotationArgs } from "./MasterSecretRotation";
import {
  POSTGRES_ROTATION_APPLICATION,
  ROTATION_APPLICATION_CAPABILITIES,
  ROTATION_LAMBDA_ARN_OUTPUT,
  rotationFunctionName,
  secretsManagerEndpoint,
} from "./rotation";

/** What every piece needs: the component, its name and tags. */
export interface RotationContext {
  readonly name: string;
  readonly parent: pulumi.ComponentResource;
  readonly tags: Record<string, string>;
}

/** The function's security group and the rules that open its path; the schedule waits for the rules. */
export interface RotationNetwork {
  readonly securityGroup: aws.ec2.SecurityGroup;
  readonly rules: readonly pulumi.Resource[];
}

/** The function's security group, its egress to the database and to Secrets Manager, and the database's ingress rule. */
export function createRotationNetwork(ctx: RotationContext, args: MasterSecretRotationArgs): RotationNetwork {
  const { name, tags } = ctx;
  const securityGroup = new aws.ec2.SecurityGroup(
    `${name}-sg`,
    { vpcId: args.vpcId, description: `Secret rotation function ${name}`, revokeRulesOnDelete: true, tags },
    { parent: ctx.parent },
  );
  // The function opens two kinds of connections and nothing else: to the database, and to Secrets Manager over HTTPS.
  const toDatabase = new aws.vpc.SecurityGroupEgressRule(
    `${name}-to-db`,
    {
      securityGroupId: securityGroup.id,
      referencedSecurityGroupId: args.databaseSecurityGroupId,
      ipProtocol: "tcp",
      fromPort: args.port,
      toPort: args.port,
      description: `Rotation function to the database on port ${args.port}`,
    },
    { parent: ctx.parent },
  );
  // Secrets Manager's address is the VPC interface endpoint where one exists and public AWS ranges otherwise
  // (through NAT); neither is a fixed CIDR this component knows, so HTTPS is allowed to any address.
  const toSecretsManager = new aws.vpc.SecurityGroupEgressRule(
    `${name}-to-https`,
    {
      securityGroupId: securityGroup.id,
      cidrIpv4: "0.0.0.0/0",
      ipProtocol: "tcp",
      fromPort: 443,
      toPort: 443,
      description: "Rotation function to Secrets Manager over HTTPS",
    },
    { parent: ctx.parent },
  );
  const admitted = new aws.vpc.SecurityGroupIngressRule(
    `${name}-db-from-function`,
    {
      securityGroupId: args.databaseSecurityGroupId,
      referencedSecurityGroupId: securityGroup.id,
      ipProtocol: "tcp",
      fromPort: args.port,
      toPort: args.port,
      description: `Database: secret rotation function on port ${args.port}`,
    },
    { parent: ctx.parent },
  );
  return { securityGroup, rules: [admitted, toDatabase, toSecretsManager] };
}

/** AWS's pinned rotation application, deployed into the private subnets; returns the function's ARN. */
export function createRotationFunction(ctx: RotationContext, args: MasterSecretRotationArgs, securityGroup: aws.ec2.SecurityGroup): pulumi.Output<string> {
  const application = new aws.serverlessrepository.CloudFormationStack(
    `${ctx.name}-function`,
    {
      applicationId: POSTGRES_ROTATION_APPLICATION.applicationId,
      semanticVersion: POSTGRES_ROTATION_APPLICATION.semanticVersion,
      capabilities: [...ROTATION_APPLICATION_CAPABILITIES],
      parameters: {
        endpoint: secretsManagerEndpoint(args.region),
        functionName: rotationFunctionName(pulumi.getStack(), ctx.name, regionCode(args.region)),
        vpcSubnetIds: pulumi.output(args.subnetIds).apply((ids) => ids.join(",")),
        vpcSecurityGroupIds: securityGroup.id,
        // Lets the function's role decrypt and re-encrypt the secret with its customer-managed key.
        kmsKeyArn: args.secretKmsKeyArn,
      },
      tags: ctx.tags,
    },
    { parent: ctx.parent },
  );
  return application.outputs.apply((o) => o?.[ROTATION_LAMBDA_ARN_OUTPUT]);
}
