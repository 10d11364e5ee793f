/**
 * The pieces of a RedisGlobalDatastore, one function each, in the order the component creates them: the AUTH token
 * and its secret, then each region's replication group with its network (the global datastore right after the
 * primary's group). Child names are the ones the component has always used (`<name>-<code>-…`): URNs are part of the
 * contract, so a piece moving here must not rename anything.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { EnvironmentProfile } from "../shared/environment";
import { regionCode } from "../shared/regions";
import { finalSnapshotIdentifier, physicalName } from "./naming";
import { serviceSecurityGroup } from "./network";
import { AUTH_TOKEN_SPECIALS, memberClusterIds, REDIS_PORT, ResolvedRedisSettings } from "./redis";
import type { RedisRegionalGroup } from "./RedisGlobalDatastore";
import { KeyedDataRegion } from "./types";

/** What every piece needs: the component, its settings and the choices resolved once in the constructor. */
export interface RedisContext {
  readonly name: string;
  readonly parent: pulumi.ComponentResource;
  readonly settings: ResolvedRedisSettings;
  readonly profile: EnvironmentProfile;
  readonly protect: boolean;
  readonly global: boolean;
  readonly stack: string;
  readonly tags: Record<string, string>;
}

/** The generated AUTH token and the Secrets Manager secret (replicated to every member region) that holds it. */
export function createAuthToken(
  ctx: RedisContext,
  primary: KeyedDataRegion,
  secondaries: readonly KeyedDataRegion[],
  secretName: string | undefined,
): { token: random.RandomPassword; secret: aws.secretsmanager.Secret } {
  const { name } = ctx;
  const token = new random.RandomPassword(
    `${name}-auth-token`,
    { length: 64, special: true, overrideSpecial: AUTH_TOKEN_SPECIALS },
    { parent: ctx.parent },
  );
  const secret = new aws.secretsmanager.Secret(
    `${name}-auth`,
    {
      ...(secretName ? { name: secretName } : {}),
      description: `ElastiCache AUTH token (${ctx.stack}/${name})`,
      kmsKeyId: primary.kmsKeyArn,
      recoveryWindowInDays: ctx.profile.retention.secretRecoveryWindowDays,
      replicas: ctx.global ? secondaries.map((r) => ({ region: r.region, kmsKeyId: r.kmsKeyArn })) : [],
      tags: ctx.tags,
    },
    { parent: ctx.parent, provider: primary.provider, protect: ctx.protect },
  );
  new aws.secretsmanager.SecretVersion(
    `${name}-auth`,
    { secretId: secret.id, secretString: pulumi.secret(pulumi.jsonStringify({ authToken: token.result, port: REDIS_PORT })) },
    { parent: ctx.parent, provider: primary.provider },
  );
  return { token, secret };
}

/**
 * Every member region's replication group, the primary first; with `global` the global datastore is created right
 * after the primary's group, and each secondary joins it.
 */
export function createRegionalGroups(
  ctx: RedisContext,
  members: readonly KeyedDataRegion[],
  token: random.RandomPassword,
): { groups: RedisRegionalGroup[]; globalGroup: aws.elasticache.GlobalReplicationGroup | undefined } {
  const groups: RedisRegionalGroup[] = [];
  let globalGroup: aws.elasticache.GlobalReplicationGroup | undefined;
  members.forEach((r, index) => {
    const isPrimary = index === 0;
    const replicationGroupId = physicalName([ctx.stack, ctx.name, regionCode(r.region)], 40);
    const { subnets, securityGroup } = createGroupNetwork(ctx, r);
    const placement = groupPlacement(ctx, r, isPrimary, replicationGroupId, subnets, securityGroup);
    const group = isPrimary
      ? createPrimaryGroup(ctx, r, placement, token)
      : createSecondaryGroup(ctx, r, placement, globalGroup as aws.elasticache.GlobalReplicationGroup);
    if (isPrimary && ctx.global) globalGroup = createGlobalGroup(ctx, r, group);
    groups.push({
      region: r.region,
      role: isPrimary ? "primary" : "secondary",
      replicationGroupId,
      memberClusterIds: memberClusterIds(replicationGroupId, ctx.settings.nodesPerShard),
      primaryEndpoint: group.primaryEndpointAddress,
      readerEndpoint: group.readerEndpointAddress,
      securityGroupId: securityGroup.id,
    });
  });
  return { groups, globalGroup };
}

/** The region's subnet group and security group of a replication group. */
function createGroupNetwork(ctx: RedisContext, r: KeyedDataRegion): { subnets: aws.elasticache.SubnetGroup; securityGroup: aws.ec2.SecurityGroup } {
  const { name, tags } = ctx;
  const code = regionCode(r.region);
  const child = { parent: ctx.parent, provider: r.provider };
  const subnets = new aws.elasticache.SubnetGroup(
    `${name}-${code}-subnets`,
    { subnetIds: r.privateSubnetIds, description: `ElastiCache ${name} private subnets`, tags },
    child,
  );
  const securityGroup = serviceSecurityGroup(
    `${name}-${code}-sg`,
    { vpcId: r.vpcId, port: REDIS_PORT, description: `ElastiCache ${name}`, allowedSecurityGroupIds: r.allowedSecurityGroupIds, tags },
    child,
  );
  return { subnets, securityGroup };
}

/** What primary and secondary groups share: Multi-AZ placement, the regional KMS key, snapshots and windows. */
function groupPlacement(
  ctx: RedisContext,
  r: KeyedDataRegion,
  isPrimary: boolean,
  replicationGroupId: string,
  subnets: aws.elasticache.SubnetGroup,
  securityGroup: aws.ec2.SecurityGroup,
): aws.elasticache.ReplicationGroupArgs {
  const s = ctx.settings;
  return {
    replicationGroupId,
    description: `${ctx.name} (${ctx.stack}, ${isPrimary ? "primary" : "secondary"})`,
    numCacheClusters: s.nodesPerShard,
    automaticFailoverEnabled: true,
    multiAzEnabled: true,
    preferredCacheClusterAzs: Array.from({ length: s.nodesPerShard }, (_v, i) => r.availabilityZones[i % r.availabilityZones.length]),
    subnetGroupName: subnets.name,
    securityGroupIds: [securityGroup.id],
    kmsKeyId: r.kmsKeyArn,
    snapshotRetentionLimit: s.snapshotRetentionDays,
    snapshotWindow: "03:00-04:00",
    maintenanceWindow: "sun:05:00-sun:06:00",
    tags: ctx.tags,
  };
}

/** The primary group carries engine, version, node type, encryption and the AUTH token. */
function createPrimaryGroup(
  ctx: RedisContext,
  r: KeyedDataRegion,
  placement: aws.elasticache.ReplicationGroupArgs,
  token: random.RandomPassword,
): aws.elasticache.ReplicationGroup {
  const { name, settings: s } = ctx;
  const code = regionCode(r.region);
  return new aws.elasticache.ReplicationGroup(
    `${name}-${code}`,
    {
      ...placement,
      engine: s.engine,
      engineVersion: s.engineVersion,
      nodeType: s.nodeType,
      port: REDIS_PORT,
      transitEncryptionEnabled: true,
      transitEncryptionMode: "required",
      authToken: token.result,
      atRestEncryptionEnabled: true,
      finalSnapshotIdentifier: finalSnapshotIdentifier(`${name}-${code}`, [ctx.stack, name, code, "final"], ctx.parent),
    },
    { parent: ctx.parent, provider: r.provider, protect: ctx.protect },
  );
}

/** A secondary inherits everything else from the global datastore (the provider rejects setting it here). */
function createSecondaryGroup(
  ctx: RedisContext,
  r: KeyedDataRegion,
  placement: aws.elasticache.ReplicationGroupArgs,
  globalGroup: aws.elasticache.GlobalReplicationGroup,
): aws.elasticache.ReplicationGroup {
  return new aws.elasticache.ReplicationGroup(
    `${ctx.name}-${regionCode(r.region)}`,
    { ...placement, globalReplicationGroupId: globalGroup.id },
    { parent: ctx.parent, provider: r.provider, protect: ctx.protect },
  );
}

/** The global datastore, built on the primary region's group. */
function createGlobalGroup(ctx: RedisContext, r: KeyedDataRegion, primaryGroup: aws.elasticache.ReplicationGroup): aws.elasticache.GlobalReplicationGroup {
  return new aws.elasticache.GlobalReplicationGroup(
    `${ctx.name}-global`,
    {
      globalReplicationGroupIdSuffix: physicalName([ctx.stack, ctx.name], 40),
      // The provider's id is the full global replication group id (AWS prefixes the suffix).
      primaryReplicationGroupId: primaryGroup.id,
      globalReplicationGroupDescription: `${ctx.name} (${ctx.stack})`,
    },
    { parent: ctx.parent, provider: r.provider, protect: ctx.protect },
  );
}
