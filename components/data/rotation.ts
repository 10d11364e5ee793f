/** Pure settings of the Aurora master secret's rotation: the pinned AWS rotation application, schedule and names. */
import { isInteger, Problem, Problems } from "../shared/validation";
import { physicalName } from "./naming";

/**
 * AWS's published single-user rotation function for RDS / Aurora PostgreSQL, from the Serverless Application
 * Repository. The version is pinned (the one aws-cdk-lib pins for the `aws` partition) so a new release of the
 * function is a reviewed change, not something the next `pulumi up` picks up.
 */
export const POSTGRES_ROTATION_APPLICATION = {
  applicationId: "arn:aws:serverlessrepo:us-east-1:297356227824:applications/SecretsManagerRDSPostgreSQLRotationSingleUser",
  semanticVersion: "1.1.671",
} as const;

/** The application creates an IAM role and a resource policy that lets Secrets Manager invoke the function. */
export const ROTATION_APPLICATION_CAPABILITIES = ["CAPABILITY_IAM", "CAPABILITY_RESOURCE_POLICY"] as const;

/** Output of the application's CloudFormation stack that holds the function's ARN. */
export const ROTATION_LAMBDA_ARN_OUTPUT = "RotationLambdaARN";

export const DEFAULT_ROTATION_DAYS = 30;
export const MAX_ROTATION_DAYS = 365;

/**
 * Rotation of the master password: every `days` days, or `false` for none.
 *
 * Turn it off only where something else owns the password, or the rotation function cannot run: e.g. a stack whose
 * private subnets reach neither Secrets Manager (no interface endpoint, no NAT) nor the database, or a team that
 * rotates the master password through its own tooling. A secret that never changes is a long-lived credential; prefer
 * a longer interval over `false`.
 */
export type RotationSettings = { readonly days: number } | false;

/** Every problem with the rotation setting; `property` paths start with `prefix`. */
export function rotationProblems(rotation: RotationSettings | undefined, prefix = "rotation"): Problem[] {
  if (rotation === undefined || rotation === false) return [];
  const isObject = typeof rotation === "object" && rotation !== null;
  const problems = new Problems();
  problems.check(isObject && isInteger(rotation.days, 1, MAX_ROTATION_DAYS), {
    property: isObject ? `${prefix}.days` : prefix,
    value: isObject ? rotation.days : rotation,
    rule: `an integer from 1 to ${MAX_ROTATION_DAYS} (days between rotations of the master password)`,
    fix: `set ${prefix}.days between 1 and ${MAX_ROTATION_DAYS} (e.g. ${DEFAULT_ROTATION_DAYS}), or ${prefix}: false to turn rotation off`,
  });
  return [...problems.list];
}

/** Days between rotations, or undefined when rotation is off. @default 30 days */
export function resolveRotationDays(rotation: RotationSettings | undefined): number | undefined {
  if (rotation === false) return undefined;
  return rotation?.days ?? DEFAULT_ROTATION_DAYS;
}

/**
 * Name of the rotation function. Lambda names are unique per account and region, so the name carries the stack, the
 * component and the region; Lambda allows at most 64 characters.
 */
export function rotationFunctionName(stack: string, name: string, regionCode: string): string {
  return physicalName([stack, name, regionCode, "rotation"], 64);
}

/**
 * Secrets Manager endpoint the function calls. With the VPC's interface endpoint and private DNS this name resolves
 * to the endpoint inside the VPC; without one it resolves to the public endpoint (reached through NAT).
 */
export function secretsManagerEndpoint(region: string): string {
  return `https://secretsmanager.${region}.amazonaws.com`;
}
