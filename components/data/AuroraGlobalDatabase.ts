import { environmentProblems, environmentProfile } from "../shared/environment";
import * as pulumi from "@pulumi/pulumi";
import { argsObjectProblems, checkInteger, checkOptionalBoolean, listField, Problem, Problems, throwIfProblems } from "../shared/validation";
import { AURORA_PORT, auroraProblems, AuroraSettings, resolveAuroraSettings } from "./aurora";
import { AuroraContext, BuiltAuroraCluster, createGlobalCluster, createMasterCredentials, createMasterRotation, createMasterSecretValue, createRegionalCluster } from "./auroraResources";
import { resolveRotationDays, rotationProblems, RotationSettings } from "./rotation";
import { checkOptionalSecretName, checkRegionEntries, checkRegionZones } from "./network";
import { Environment, KeyedDataRegion } from "./types";

export interface AuroraGlobalDatabaseArgs extends AuroraSettings {
  readonly environment: Environment;
  /** Regions with their KMS keys; the first is the primary (writer) region. */
  readonly regions: readonly KeyedDataRegion[];
  /**
   * Build an Aurora global database with a secondary cluster in every other region. When false, one cluster runs in
   * the primary region and the other regions are only restore targets.
   */
  readonly global: boolean;
  /** Value for `rds.global_db_rpo` (managed RPO), from the recovery plan. @default not enforced */
  readonly managedRpoSeconds?: number;
  /**
   * Rotation of the master password by AWS's PostgreSQL single-user rotation function, in the primary region.
   * `false` turns it off; see RotationSettings for when that is acceptable.
   * @default every 30 days
   */
  readonly rotation?: RotationSettings;
  /** @default true in prod */
  readonly protect?: boolean;
  readonly tags?: Readonly<Record<string, string>>;
  /**
   * Secrets Manager name of the master credentials (and of its replicas in the other regions), e.g. under the prefix the
   * External Secrets controller may read. @default a name Secrets Manager generates from the resource name
   */
  readonly secretName?: string;
}

/** One regional cluster of the database. */
export interface AuroraRegionalCluster {
  readonly region: string;
  readonly role: "primary" | "secondary";
  readonly clusterIdentifier: pulumi.Output<string>;
  readonly clusterArn: pulumi.Output<string>;
  readonly writerEndpoint: pulumi.Output<string>;
  readonly readerEndpoint: pulumi.Output<string>;
  readonly securityGroupId: pulumi.Output<string>;
}

/** Endpoints of one region, as exported. */
export interface RegionalEndpoints {
  readonly region: string;
  readonly writerEndpoint: string;
  readonly readerEndpoint: string;
}

/**
 * Aurora PostgreSQL, optionally as a global database: a primary cluster in the first region and a secondary cluster
 * in each other region, each with at least two instances across zones, encrypted with that region's CMK, TLS-only,
 * IAM authentication, PITR backups, encrypted Performance Insights, deletion protection and final snapshots.
 *
 * The master password is generated, kept in Secrets Manager (replicated to every region) and only ever handled as a
 * secret. RDS-managed master passwords (`manageMasterUserPassword`) are not used because Aurora does not support
 * them for clusters that are part of a global database. Secrets Manager rotates it instead (every 30 days unless
 * configured otherwise) through AWS's rotation function; Pulumi then ignores the password on the cluster and in the
 * secret, because after the first rotation the generated value is stale.
 */
export class AuroraGlobalDatabase extends pulumi.ComponentResource {
  readonly clusters: readonly AuroraRegionalCluster[];
  /** Global cluster identifier; undefined without a global database. */
  readonly globalClusterId: pulumi.Output<string | undefined>;
  /** Writer endpoint that follows the primary across a global switchover or failover. */
  readonly globalWriterEndpoint: pulumi.Output<string | undefined>;
  readonly masterSecretArn: pulumi.Output<string>;
  readonly endpoints: pulumi.Output<RegionalEndpoints[]>;
  readonly clusterArns: pulumi.Output<string[]>;
  readonly port: number = AURORA_PORT;
  /** ARN of the master secret's rotation function; undefined when rotation is off. */
  readonly rotationFunctionArn: pulumi.Output<string | undefined>;

  constructor(name: string, args: AuroraGlobalDatabaseArgs, opts?: pulumi.ComponentResourceOptions) {
    validateAuroraGlobalDatabaseArgs(name, args);
    super("production-platform:data:AuroraGlobalDatabase", name, {}, opts);

    const profile = environmentProfile(args.environment);
    const minZones = Math.min(...args.regions.map((r) => r.availabilityZones.length));
    const ctx: AuroraContext = {
      name,
      parent: this,
      settings: resolveAuroraSettings(args, args.environment, minZones),
      profile,
      protect: args.protect ?? profile.protect,
      global: args.global,
      managedRpoSeconds: args.managedRpoSeconds,
      stack: pulumi.getStack(),
      tags: { ...args.tags },
    };
    const [primary, ...secondaries] = args.regions;
    const { password, secret } = createMasterCredentials(ctx, primary, secondaries, args.secretName);
    const globalCluster = createGlobalCluster(ctx, primary);
    const writer = createRegionalCluster(ctx, primary, globalCluster, { password });
    const built = [writer, ...(args.global ? secondaries : []).map((r) => createRegionalCluster(ctx, r, globalCluster, { instances: writer.instances }))];
    const secretValue = createMasterSecretValue(ctx, primary, secret, password, writer.cluster, globalCluster);
    const rotation = createMasterRotation(ctx, primary, secret, writer, secretValue, resolveRotationDays(args.rotation));

    const members = args.global ? args.regions : [primary];
    const clusters = built.map((b, i) => regionalClusterOutputs(members[i].region, i === 0, b));
    this.clusters = clusters;
    this.globalClusterId = globalCluster ? globalCluster.id.apply((id): string | undefined => id) : pulumi.output(undefined);
    this.globalWriterEndpoint = globalCluster ? globalCluster.endpoint.apply((e): string | undefined => e ?? undefined) : pulumi.output(undefined);
    this.masterSecretArn = secret.arn;
    this.endpoints = pulumi.all(
      clusters.map((c) => pulumi.all([c.writerEndpoint, c.readerEndpoint]).apply(([w, rd]) => ({ region: c.region, writerEndpoint: w, readerEndpoint: rd }))),
    );
    this.clusterArns = pulumi.all(clusters.map((c) => c.clusterArn));
    this.rotationFunctionArn = rotation ? rotation.functionArn.apply((arn): string | undefined => arn) : pulumi.output(undefined);
    this.registerOutputs({
      globalClusterId: this.globalClusterId,
      globalWriterEndpoint: this.globalWriterEndpoint,
      masterSecretArn: this.masterSecretArn,
      endpoints: this.endpoints,
      rotationFunctionArn: this.rotationFunctionArn,
    });
  }
}

function regionalClusterOutputs(region: string, isPrimary: boolean, b: BuiltAuroraCluster): AuroraRegionalCluster {
  return {
    region,
    role: isPrimary ? "primary" : "secondary",
    clusterIdentifier: b.cluster.clusterIdentifier,
    clusterArn: b.cluster.arn,
    writerEndpoint: b.cluster.endpoint,
    readerEndpoint: b.cluster.readerEndpoint,
    securityGroupId: b.securityGroup.id,
  };
}

/**
 * Every problem with the arguments (validation contract, docs/architecture.md): environment, Aurora settings,
 * rotation, at least one region, two zones in each. Never throws.
 */
export function auroraGlobalDatabaseProblems(args: AuroraGlobalDatabaseArgs): Problem[] {
  const shape = argsObjectProblems(args, "AuroraGlobalDatabase");
  if (shape.length > 0) return shape;
  const problems = new Problems().addAll(environmentProblems(args.environment)).addAll(auroraProblems(args)).addAll(rotationProblems(args.rotation));
  const regions = listField(problems, "regions", args.regions);
  checkRegionEntries(problems, regions);
  checkRegionZones(problems, regions, "so the cluster's instances do not share a zone");
  problems.check(regions.length >= 1, { property: "regions", value: regions.length, rule: "at least one region", fix: "pass the primary region" });
  problems.check(typeof args.global === "boolean", { property: "global", value: args.global, rule: "true or false (whether the secondaries join a global database)", fix: "pass DataTier's plan.global" });
  if (args.managedRpoSeconds !== undefined && args.managedRpoSeconds !== null) checkInteger(problems, "managedRpoSeconds", args.managedRpoSeconds, 1, Number.MAX_SAFE_INTEGER, "pass DataTier's plan.managedRpoSeconds, or leave it out to alarm on lag instead of enforcing the RPO");
  checkOptionalBoolean(problems, "protect", args.protect);
  checkOptionalSecretName(problems, "secretName", args.secretName);
  return [...problems.list];
}

/** Throws every problem of the arguments as one ValidationError; what the constructor calls first. */
export function validateAuroraGlobalDatabaseArgs(name: string, args: AuroraGlobalDatabaseArgs): void {
  throwIfProblems(`AuroraGlobalDatabase "${name}"`, auroraGlobalDatabaseProblems(args));
}
