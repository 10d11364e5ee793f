/**
 * Secrets Manager rotation for database credentials.
 *
 * Two modes, chosen by whether a rotation Lambda is given:
 * - **Managed rotation**: for clusters created with `manageMasterUserPassword: true`, RDS owns the secret and
 *   rotates it itself. Omit `rotationLambdaArn` and pass that secret's ARN (`cluster.masterUserSecrets[0].secretArn`):
 *   this component only sets the schedule (RDS's default is every 7 days). No Lambda to patch, no network path from a
 *   Lambda to the database. Aurora global databases cannot use it (RDS-managed master passwords are not supported for
 *   global clusters).
 * - **Lambda rotation**: for secrets RDS does not manage, pass the ARN of a rotation function. The data tier does this
 *   for the Aurora master secret (`components/data/MasterSecretRotation.ts`, AWS's SAR
 *   "SecretsManagerRDSPostgreSQLRotationSingleUser"). The function needs network access to the database and to
 *   Secrets Manager.
 *
 * `dependsOn` given to the component also holds back the rotation resource itself: setting a Lambda schedule makes
 * Secrets Manager test the function at once, so whatever the caller waits for (the secret's value, an open network
 * path) must exist first. */
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { argsObjectProblems, checkInteger, checkOptionalBoolean, Problem, Problems, throwIfProblems } from "../shared/validation";

export interface SecretRotationArgs {
  /** ARN of the secret to rotate. */
  readonly secretArn: pulumi.Input<string>;
  /** Rotation function. Omit for managed rotation of a service-owned secret (RDS `manageMasterUserPassword`). */
  readonly rotationLambdaArn?: pulumi.Input<string>;
  /** Rotate every N days (1–1000). Exactly one of this and `scheduleExpression`. */
  readonly automaticallyAfterDays?: number;
  /** `rate(N days)` / `cron(...)` schedule. Exactly one of this and `automaticallyAfterDays`. */
  readonly scheduleExpression?: string;
  /** Length of the rotation window, hours (1–24). @default Secrets Manager's default (the whole day) */
  readonly windowHours?: number;
  /** Rotate once as soon as the schedule is applied. @default false (first rotation follows the schedule) */
  readonly rotateImmediately?: boolean;
}

const SCHEDULE = /^(rate\(\d+ (hours?|days?)\)|cron\([^)]+\))$/;

export function secretRotationProblems(args: SecretRotationArgs): Problem[] {
  const shape = argsObjectProblems(args, "SecretRotation");
  if (shape.length > 0) return shape;
  const problems = new Problems();
  const hasDays = args.automaticallyAfterDays !== undefined;
  const hasExpr = args.scheduleExpression !== undefined;
  if (problems.check(hasDays !== hasExpr, {
    property: "automaticallyAfterDays",
    value: { automaticallyAfterDays: args.automaticallyAfterDays, scheduleExpression: args.scheduleExpression },
    rule: "exactly one of automaticallyAfterDays and scheduleExpression",
    fix: "set the schedule once: a number of days, or a rate()/cron() expression",
  })) {
    if (hasDays) checkInteger(problems, "automaticallyAfterDays", args.automaticallyAfterDays, 1, 1000);
    if (hasExpr) {
      problems.check(SCHEDULE.test(args.scheduleExpression as string), {
        property: "scheduleExpression",
        value: args.scheduleExpression,
        rule: "rate(N days|hours) or cron(...)",
        fix: 'write e.g. "rate(30 days)" or "cron(0 4 ? * SUN *)"',
      });
    }
  }
  if (args.windowHours !== undefined) checkInteger(problems, "windowHours", args.windowHours, 1, 24);
  checkOptionalBoolean(problems, "rotateImmediately", args.rotateImmediately);
  return [...problems.list];
}

/** The `rotationRules` block for the arguments. */
export function rotationRules(args: SecretRotationArgs): aws.types.input.secretsmanager.SecretRotationRotationRules {
  return {
    ...(args.automaticallyAfterDays !== undefined ? { automaticallyAfterDays: args.automaticallyAfterDays } : {}),
    ...(args.scheduleExpression !== undefined ? { scheduleExpression: args.scheduleExpression } : {}),
    ...(args.windowHours !== undefined ? { duration: `${args.windowHours}h` } : {}),
  };
}

export class SecretRotation extends pulumi.ComponentResource {
  /** `managed` (service-owned secret) or `lambda`. */
  readonly mode: "managed" | "lambda";
  readonly rotationEnabled: pulumi.Output<boolean>;

  constructor(name: string, args: SecretRotationArgs, opts?: pulumi.ComponentResourceOptions) {
    validateSecretRotationArgs(name, args);
    super("production-platform:security:SecretRotation", name, {}, opts);

    const rotation = new aws.secretsmanager.SecretRotation(
      `${name}-rotation`,
      {
        secretId: args.secretArn,
        rotationLambdaArn: args.rotationLambdaArn,
        rotationRules: rotationRules(args),
        rotateImmediately: args.rotateImmediately ?? false,
      },
      // A component's dependsOn does not reach its children by itself.
      { parent: this, dependsOn: opts?.dependsOn },
    );

    this.mode = args.rotationLambdaArn === undefined ? "managed" : "lambda";
    this.rotationEnabled = rotation.rotationEnabled;
    this.registerOutputs({ mode: this.mode, rotationEnabled: this.rotationEnabled });
  }
}

/** Throws every problem of the arguments as one ValidationError; what the SecretRotation constructor calls first. */
export function validateSecretRotationArgs(name: string, args: SecretRotationArgs): void {
  throwIfProblems(`SecretRotation "${name}"`, secretRotationProblems(args));
}
