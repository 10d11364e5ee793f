/**
 * The pieces of an AuroraGlobalDatabase, one function each, in the order the component creates them: master
 * credentials, the global cluster, each region's cluster with its network, parameters and instances, the secret's
 * value, its rotation. Child names are the ones the component has always used (`<name>-<code>-…`): URNs are part of
 * the contract, so a piece moving here must not rename anything.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { EnvironmentProfile } from "../shared/environment";
import { regionCode } from "../shared/regions";
import { AURORA_PORT, auroraClusterParameters, ResolvedAuroraSettings } from "./aurora";
import { MasterSecretRotation } from "./MasterSecretRotation";
import { finalSnapshotIdentifier, physicalName } from "./naming";
import { serviceSecurityGroup } from "./network";
import { KeyedDataRegion } from "./types";

/** What every piece needs: the component, its settings and the choices resolved once in the constructor. */
export interface AuroraContext {
  readonly name: string;
  readonly parent: pulumi.ComponentResource;
  readonly settings: ResolvedAuroraSettings;
  readonly profile: EnvironmentProfile;
  readonly protect: boolean;
  readonly global: boolean;
  readonly managedRpoSeconds?: number;
  readonly stack: string;
  readonly tags: Record<string, string>;
}

/** A region's cluster as built: the resources later pieces depend on. */
export interface BuiltAuroraCluster {
  readonly cluster: aws.rds.Cluster;
  readonly instances: aws.rds.ClusterInstance[];
  readonly securityGroup: aws.ec2.SecurityGroup;
}

/** The generated master password and the Secrets Manager secret that holds it (replicated to every member region). */
export function createMasterCredentials(
  ctx: AuroraContext,
  primary: KeyedDataRegion,
  secondaries: readonly KeyedDataRegion[],
  secretName: string | undefined,
): { password: random.RandomPassword; secret: aws.secretsmanager.Secret } {
  const password = new random.RandomPassword(
    `${ctx.name}-master-password`,
    // RDS rejects "/", "@", '"' and spaces in master passwords.
    { length: 40, special: true, overrideSpecial: "!#$%^&*()-_=+[]{}<>:?" },
    { parent: ctx.parent },
  );
  const secret = new aws.secretsmanager.Secret(
    `${ctx.name}-master`,
    {
      ...(secretName ? { name: secretName } : {}),
      description: `Aurora master credentials (${ctx.stack}/${ctx.name})`,
      kmsKeyId: primary.kmsKeyArn,
      recoveryWindowInDays: ctx.profile.retention.secretRecoveryWindowDays,
      // Replicas let a promoted secondary region read the credentials while the primary region is down.
      replicas: ctx.global ? secondaries.map((r) => ({ region: r.region, kmsKeyId: r.kmsKeyArn })) : [],
      tags: ctx.tags,
    },
    { parent: ctx.parent, provider: primary.provider, protect: ctx.protect },
  );
  return { password, secret };
}

/** The global cluster the regional clusters join; undefined for a single-cluster database. */
export function createGlobalCluster(ctx: AuroraContext, primary: KeyedDataRegion): aws.rds.GlobalCluster | undefined {
  if (!ctx.global) return undefined;
  return new aws.rds.GlobalCluster(
    `${ctx.name}-global`,
    {
      globalClusterIdentifier: physicalName([ctx.stack, ctx.name], 63),
      engine: "aurora-postgresql",
      engineVersion: ctx.settings.engineVersion,
      storageEncrypted: true,
      deletionProtection: ctx.profile.protect,
      tags: ctx.tags,
    },
    { parent: ctx.parent, provider: primary.provider, protect: ctx.protect },
  );
}

/** The region's network and parameters of a cluster: its subnet group, security group and TLS-only parameter group. */
interface ClusterPlacement {
  readonly subnets: aws.rds.SubnetGroup;
  readonly securityGroup: aws.ec2.SecurityGroup;
  readonly parameters: aws.rds.ClusterParameterGroup;
}

function createClusterPlacement(ctx: AuroraContext, r: KeyedDataRegion): ClusterPlacement {
  const { name, tags } = ctx;
  const code = regionCode(r.region);
  const child = { parent: ctx.parent, provider: r.provider };
  const subnets = new aws.rds.SubnetGroup(`${name}-${code}-subnets`, { subnetIds: r.privateSubnetIds, description: `Aurora ${name} private subnets`, tags }, child);
  const securityGroup = serviceSecurityGroup(
    `${name}-${code}-sg`,
    { vpcId: r.vpcId, port: AURORA_PORT, description: `Aurora ${name}`, allowedSecurityGroupIds: r.allowedSecurityGroupIds, tags },
    child,
  );
  const parameters = new aws.rds.ClusterParameterGroup(
    `${name}-${code}-params`,
    { family: `aurora-postgresql${ctx.settings.majorVersion}`, description: `Aurora ${name}: TLS only`, parameters: auroraClusterParameters(ctx.managedRpoSeconds), tags },
    child,
  );
  return { subnets, securityGroup, parameters };
}

/** The arguments every regional cluster shares: encryption, TLS parameters, IAM auth, backups, final snapshot. */
function regionalClusterArgs(ctx: AuroraContext, r: KeyedDataRegion, globalCluster: aws.rds.GlobalCluster | undefined, placement: ClusterPlacement): aws.rds.ClusterArgs {
  const { name, settings: s } = ctx;
  const code = regionCode(r.region);
  return {
    engine: "aurora-postgresql",
    engineVersion: s.engineVersion,
    globalClusterIdentifier: globalCluster?.id,
    storageEncrypted: true,
    kmsKeyId: r.kmsKeyArn,
    dbSubnetGroupName: placement.subnets.name,
    vpcSecurityGroupIds: [placement.securityGroup.id],
    dbClusterParameterGroupName: placement.parameters.name,
    port: AURORA_PORT,
    iamDatabaseAuthenticationEnabled: true,
    backupRetentionPeriod: s.backupRetentionDays,
    preferredBackupWindow: "03:00-04:00",
    preferredMaintenanceWindow: "sun:05:00-sun:06:00",
    copyTagsToSnapshot: true,
    deletionProtection: ctx.profile.protect,
    skipFinalSnapshot: false,
    finalSnapshotIdentifier: finalSnapshotIdentifier(`${name}-${code}`, [ctx.stack, name, code, "final"], ctx.parent),
    enabledCloudwatchLogsExports: ["postgresql"],
    tags: ctx.tags,
  };
}

/**
 * One region's cluster: the primary carries the master user (its password then owned by rotation); a secondary
 * takes credentials and data from the global cluster and attaches once the primary has its writer.
 */
export function createRegionalCluster(
  ctx: AuroraContext,
  r: KeyedDataRegion,
  globalCluster: aws.rds.GlobalCluster | undefined,
  primary: { readonly password: random.RandomPassword } | { readonly instances: readonly aws.rds.ClusterInstance[] },
): BuiltAuroraCluster {
  const code = regionCode(r.region);
  const child = { parent: ctx.parent, provider: r.provider };
  const placement = createClusterPlacement(ctx, r);
  const common = regionalClusterArgs(ctx, r, globalCluster, placement);
  const cluster =
    "password" in primary
      ? new aws.rds.Cluster(
          `${ctx.name}-${code}`,
          { ...common, databaseName: ctx.settings.databaseName, masterUsername: ctx.settings.masterUsername, masterPassword: primary.password.result },
          // Secrets Manager rotation changes the password in the database; the generated value only seeds the first
          // one. Without this a replaced RandomPassword would reset the database behind the secret's back.
          { ...child, protect: ctx.protect, ignoreChanges: ["masterPassword"] },
        )
      : new aws.rds.Cluster(`${ctx.name}-${code}`, common, {
          ...child,
          protect: ctx.protect,
          // AWS fills these in on secondaries (and swaps them on failover); without this every run would fight it.
          ignoreChanges: ["globalClusterIdentifier", "replicationSourceIdentifier"],
          // A secondary can only attach once the primary has a writer instance.
          dependsOn: [...primary.instances],
        });
  return { cluster, instances: createClusterInstances(ctx, r, cluster, placement.subnets), securityGroup: placement.securityGroup };
}

/** The cluster's instances, spread over the region's zones round-robin; promotion tier by position. */
function createClusterInstances(ctx: AuroraContext, r: KeyedDataRegion, cluster: aws.rds.Cluster, subnets: aws.rds.SubnetGroup): aws.rds.ClusterInstance[] {
  const { settings: s } = ctx;
  const code = regionCode(r.region);
  return Array.from({ length: s.instancesPerCluster }, (_v, i) =>
    new aws.rds.ClusterInstance(
      `${ctx.name}-${code}-${i + 1}`,
      {
        clusterIdentifier: cluster.id,
        engine: "aurora-postgresql",
        instanceClass: s.instanceClass,
        availabilityZone: r.availabilityZones[i % r.availabilityZones.length],
        dbSubnetGroupName: subnets.name,
        publiclyAccessible: false,
        caCertIdentifier: "rds-ca-rsa2048-g1",
        performanceInsightsEnabled: true,
        performanceInsightsKmsKeyId: r.kmsKeyArn,
        performanceInsightsRetentionPeriod: s.performanceInsightsRetentionDays,
        // Minor upgrades of a global database must be coordinated across regions, not left to each instance.
        autoMinorVersionUpgrade: !ctx.global,
        promotionTier: i,
        tags: ctx.tags,
      },
      { parent: ctx.parent, provider: r.provider, protect: ctx.protect },
    ),
  );
}

/**
 * The secret's JSON, what AWS's PostgreSQL rotation function reads and writes back: engine, host, username,
 * password, dbname, port. The host is the global writer endpoint when there is one (it follows the primary).
 */
export function createMasterSecretValue(
  ctx: AuroraContext,
  primary: KeyedDataRegion,
  secret: aws.secretsmanager.Secret,
  password: random.RandomPassword,
  writer: aws.rds.Cluster,
  globalCluster: aws.rds.GlobalCluster | undefined,
): aws.secretsmanager.SecretVersion {
  return new aws.secretsmanager.SecretVersion(
    `${ctx.name}-master`,
    {
      secretId: secret.id,
      secretString: pulumi.secret(
        pulumi.jsonStringify({
          engine: "postgres",
          username: ctx.settings.masterUsername,
          password: password.result,
          dbname: ctx.settings.databaseName,
          // The global writer endpoint follows the primary through failovers; older accounts may not have one yet.
          host: globalCluster ? pulumi.all([globalCluster.endpoint, writer.endpoint]).apply(([g, w]) => g || w) : writer.endpoint,
          port: AURORA_PORT,
        }),
      ),
    },
    {
      parent: ctx.parent,
      provider: primary.provider,
      // After a rotation the secret holds the current password and Pulumi's state the first one: a `pulumi up` after a
      // refresh would otherwise write the stale password back and lock every client out. Kept when rotation is off
      // too, so that turning it off never restores a password the database no longer accepts. The price: a changed
      // host or database name is not written to an existing secret; update it with `put-secret-value`.
      ignoreChanges: ["secretString"],
    },
  );
}

/** Rotation of the master secret in the primary region, once the secret has a value and the primary a writer. */
export function createMasterRotation(
  ctx: AuroraContext,
  primary: KeyedDataRegion,
  secret: aws.secretsmanager.Secret,
  built: BuiltAuroraCluster,
  secretValue: aws.secretsmanager.SecretVersion,
  days: number | undefined,
): MasterSecretRotation | undefined {
  if (days === undefined) return undefined;
  return new MasterSecretRotation(
    `${ctx.name}-rotation`,
    {
      secretArn: secret.arn,
      secretKmsKeyArn: primary.kmsKeyArn,
      region: primary.region,
      vpcId: primary.vpcId,
      subnetIds: primary.privateSubnetIds,
      databaseSecurityGroupId: built.securityGroup.id,
      port: AURORA_PORT,
      days,
      // The function logs in with the secret's current value, so both the value and a writer must exist.
      rotateAfter: [secretValue, ...built.instances],
      tags: ctx.tags,
    },
    { parent: ctx.parent, providers: [primary.provider] },
  );
}
