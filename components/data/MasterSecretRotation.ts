import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { SecretRotation } from "../security/SecretRotation";
import { AWS_REGIONS, isKnownRegion, regionCode } from "../shared/regions";
import { argsObjectProblems, checkInteger, Problem, Problems, throwIfProblems } from "../shared/validation";
import {
  DEFAULT_ROTATION_DAYS,
  MAX_ROTATION_DAYS,
  POSTGRES_ROTATION_APPLICATION,
  ROTATION_APPLICATION_CAPABILITIES,
  ROTATION_LAMBDA_ARN_OUTPUT,
  rotationFunctionName,
  secretsManagerEndpoint,
} from "./rotation";

export interface MasterSecretRotationArgs {
  /** Secret with the master credentials as the function reads them: JSON with engine, host, username, password, dbname, port. */
  readonly secretArn: pulumi.Input<string>;
  /** Customer-managed key the secret is encrypted with; the function's role is allowed to use it. */
  readonly secretKmsKeyArn: pulumi.Input<string>;
  /** Region of the secret and the database writer; the function runs there. */
  readonly region: string;
  readonly vpcId: pulumi.Input<string>;
  /** Private subnets the function runs in; they must reach the database and Secrets Manager (interface endpoint or NAT). */
  readonly subnetIds: pulumi.Input<pulumi.Input<string>[]>;
  /** Security group of the database; it gets one ingress rule admitting the function on `port`. */
  readonly databaseSecurityGroupId: pulumi.Input<string>;
  /** Database port. */
  readonly port: number;
  /** Days between rotations (1–365). */
  readonly days: number;
  /**
   * What must exist before Secrets Manager first calls the function: the secret's value and the database instances.
   * @default nothing beyond the inputs
   */
  readonly rotateAfter?: readonly pulumi.Resource[];
  readonly tags?: Readonly<Record<string, string>>;
}

/** Every problem with the plain arguments. */
export function masterSecretRotationProblems(args: MasterSecretRotationArgs): Problem[] {
  const shape = argsObjectProblems(args, "MasterSecretRotation");
  if (shape.length > 0) return shape;
  const problems = new Problems();
  checkInteger(problems, "days", args.days, 1, MAX_ROTATION_DAYS, `set days between 1 and ${MAX_ROTATION_DAYS}, e.g. ${DEFAULT_ROTATION_DAYS}`);
  checkInteger(problems, "port", args.port, 1150, 65535, "set port to the database's port, e.g. 5432");
  problems.check(isKnownRegion(args.region), {
    property: "region",
    value: args.region,
    rule: `a known AWS region (${Object.keys(AWS_REGIONS).join(", ")})`,
    fix: "set region to the region of the secret and the database writer",
  });
  return [...problems.list];
}

/** Throws every problem of the arguments as one ValidationError; what the MasterSecretRotation constructor calls first. */
export function validateMasterSecretRotationArgs(name: string, args: MasterSecretRotationArgs): void {
  throwIfProblems(`MasterSecretRotation "${name}"`, masterSecretRotationProblems(args));
}

/**
 * Rotation of a PostgreSQL master secret by AWS's single-user rotation function, deployed from the Serverless
 * Application Repository (pinned version) into the database's private subnets, with its own security group that the
 * database admits on its port. Secrets Manager calls the function on the schedule; the function sets a new password
 * in the database and stores it in the secret (whose replicas follow).
 *
 * Runs in the region it is given. After a global database fails over to another region the function cannot reach the
 * new writer (the regions' VPCs are not connected): rotations fail (Secrets Manager records a RotationFailed event)
 * and the current password stays valid until the primary region is back or the stack is re-pointed.
 */
export class MasterSecretRotation extends pulumi.ComponentResource {
  /** ARN of the rotation function. */
  readonly functionArn: pulumi.Output<string>;
  /** Security group of the function. */
  readonly securityGroupId: pulumi.Output<string>;
  readonly rotationEnabled: pulumi.Output<boolean>;

  constructor(name: string, args: MasterSecretRotationArgs, opts?: pulumi.ComponentResourceOptions) {
    validateMasterSecretRotationArgs(name, args);
    super("production-platform:data:MasterSecretRotation", name, {}, opts);

    const tags = { ...args.tags };
    const securityGroup = new aws.ec2.SecurityGroup(
      `${name}-sg`,
      { vpcId: args.vpcId, description: `Secret rotation function ${name}`, revokeRulesOnDelete: true, tags },
      { parent: this },
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
      { parent: this },
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
      { parent: this },
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
      { parent: this },
    );

    const application = new aws.serverlessrepository.CloudFormationStack(
      `${name}-function`,
      {
        applicationId: POSTGRES_ROTATION_APPLICATION.applicationId,
        semanticVersion: POSTGRES_ROTATION_APPLICATION.semanticVersion,
        capabilities: [...ROTATION_APPLICATION_CAPABILITIES],
        parameters: {
          endpoint: secretsManagerEndpoint(args.region),
          functionName: rotationFunctionName(pulumi.getStack(), name, regionCode(args.region)),
          vpcSubnetIds: pulumi.output(args.subnetIds).apply((ids) => ids.join(",")),
          vpcSecurityGroupIds: securityGroup.id,
          // Lets the function's role decrypt and re-encrypt the secret with its customer-managed key.
          kmsKeyArn: args.secretKmsKeyArn,
        },
        tags,
      },
      { parent: this },
    );
    const functionArn = application.outputs.apply((o) => o?.[ROTATION_LAMBDA_ARN_OUTPUT]);

    const rotation = new SecretRotation(
      `${name}-schedule`,
      // The first rotation follows the schedule, so creating the stack does not race the database's first boot.
      { secretArn: args.secretArn, rotationLambdaArn: functionArn, automaticallyAfterDays: args.days, rotateImmediately: false },
      // Secrets Manager tests the function when the schedule is set, so the network path must already be open.
      { parent: this, dependsOn: [...(args.rotateAfter ?? []), admitted, toDatabase, toSecretsManager] },
    );

    this.functionArn = functionArn;
    this.securityGroupId = securityGroup.id;
    this.rotationEnabled = rotation.rotationEnabled;
    this.registerOutputs({ functionArn: this.functionArn, securityGroupId: this.securityGroupId, rotationEnabled: this.rotationEnabled });
  }
}
