import * as pulumi from "@pulumi/pulumi";
import { SecretRotation } from "../security/SecretRotation";
import { AWS_REGIONS, isKnownRegion } from "../shared/regions";
import { argsObjectProblems, checkInteger, Problem, Problems, throwIfProblems } from "../shared/validation";
import { DEFAULT_ROTATION_DAYS, MAX_ROTATION_DAYS } from "./rotation";
import { createRotationFunction, createRotationNetwork, RotationContext } from "./rotationPieces";

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
    const ctx: RotationContext = { name, parent: this, tags };
    const network = createRotationNetwork(ctx, args);
    const functionArn = createRotationFunction(ctx, args, network.securityGroup);

    const rotation = new SecretRotation(
      `${name}-schedule`,
      // The first rotation follows the schedule, so creating the stack does not race the database's first boot.
      { secretArn: args.secretArn, rotationLambdaArn: functionArn, automaticallyAfterDays: args.days, rotateImmediately: false },
      // Secrets Manager tests the function when the schedule is set, so the network path must already be open.
      { parent: this, dependsOn: [...(args.rotateAfter ?? []), ...network.rules] },
    );

    this.functionArn = functionArn;
    this.securityGroupId = network.securityGroup.id;
    this.rotationEnabled = rotation.rotationEnabled;
    this.registerOutputs({ functionArn: this.functionArn, securityGroupId: this.securityGroupId, rotationEnabled: this.rotationEnabled });
  }
}
