import { environmentProblems, environmentProfile } from "../shared/environment";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { regionCode } from "../shared/regions";
import { argsObjectProblems, listField, Problem, Problems, throwIfProblems } from "../shared/validation";
import { finalSnapshotIdentifier, physicalName } from "./naming";
import { checkRegionZones, serviceSecurityGroup } from "./network";
import { AUTH_TOKEN_SPECIALS, memberClusterIds, REDIS_PORT, redisProblems, RedisSettings, resolveRedisSettings } from "./redis";
import { Environment, KeyedDataRegion } from "./types";

export interface RedisGlobalDatastoreArgs extends RedisSettings {
  readonly environment: Environment;
  /** Regions with their KMS keys; the first is the primary (writer) region. At most three with `global`. */
  readonly regions: readonly KeyedDataRegion[];
  /** Build a global datastore with a secondary replication group in every other region. */
  readonly global: boolean;
  /** @default true in prod */
  readonly protect?: boolean;
  readonly tags?: Readonly<Record<string, string>>;
  /**
   * Secrets Manager name of the AUTH token (and of its replicas in the other regions), e.g. under the prefix the
   * External Secrets controller may read. @default a name Secrets Manager generates from the resource name
   */
  readonly secretName?: string;
}

/** One regional replication group. */
export interface RedisRegionalGroup {
  readonly region: string;
  readonly role: "primary" | "secondary";
  /** Known before deploy: the alarms address member clusters by id. */
  readonly replicationGroupId: string;
  readonly memberClusterIds: readonly string[];
  readonly primaryEndpoint: pulumi.Output<string>;
  readonly readerEndpoint: pulumi.Output<string>;
  readonly securityGroupId: pulumi.Output<string>;
}

export interface RedisEndpoints {
  readonly region: string;
  readonly primaryEndpoint: string;
  readonly readerEndpoint: string;
}

/** Every problem with the arguments (validation contract, docs/architecture.md): never throws, whatever it is given. */
export function redisGlobalDatastoreProblems(args: RedisGlobalDatastoreArgs): Problem[] {
  const shape = argsObjectProblems(args, "RedisGlobalDatastore");
  if (shape.length > 0) return shape;
  const problems = new Problems().addAll(environmentProblems(args.environment)).addAll(redisProblems(args));
  const regions = listField(problems, "regions", args.regions);
  checkRegionZones(problems, regions, "so Multi-AZ failover has another zone to fail over to");
  problems.check(!args.global || regions.length <= 3, {
    property: "regions",
    value: regions.length,
    rule: "at most 3 regions for a global datastore (a primary and two secondaries)",
    fix: "list at most 3 regions",
  });
  return [...problems.list];
}

/** Throws every problem of the arguments as one ValidationError; what the RedisGlobalDatastore constructor calls first. */
export function validateRedisGlobalDatastoreArgs(name: string, args: RedisGlobalDatastoreArgs): void {
  throwIfProblems(`RedisGlobalDatastore "${name}"`, redisGlobalDatastoreProblems(args));
}

/**
 * ElastiCache (Redis OSS or Valkey), optionally as a global datastore: a primary replication group in the first
 * region and a read-only secondary in each other region. Every group is Multi-AZ with automatic failover and at least
 * two nodes, encrypted in transit (AUTH token required) and at rest with the region's CMK, with daily snapshots.
 *
 * Secondaries inherit engine, version, node type, in-transit / at-rest encryption and the AUTH token from the global
 * datastore; the provider rejects setting them there, so only the regional KMS key and placement are passed.
 */
export class RedisGlobalDatastore extends pulumi.ComponentResource {
  readonly groups: readonly RedisRegionalGroup[];
  readonly globalReplicationGroupId: pulumi.Output<string | undefined>;
  /** Secrets Manager secret holding the AUTH token (the value itself is never an output). */
  readonly authSecretArn: pulumi.Output<string>;
  readonly endpoints: pulumi.Output<RedisEndpoints[]>;
  readonly port: number = REDIS_PORT;

  constructor(name: string, args: RedisGlobalDatastoreArgs, opts?: pulumi.ComponentResourceOptions) {
    validateRedisGlobalDatastoreArgs(name, args);
    super("production-platform:data:RedisGlobalDatastore", name, {}, opts);

    const profile = environmentProfile(args.environment);
    const protect = args.protect ?? profile.protect;
    const minZones = Math.min(...args.regions.map((r) => r.availabilityZones.length));
    const s = resolveRedisSettings(args, args.environment, minZones);
    const stack = pulumi.getStack();
    const tags = { ...args.tags };
    const [primary, ...secondaries] = args.regions;
    const members = args.global ? args.regions : [primary];

    const token = new random.RandomPassword(
      `${name}-auth-token`,
      { length: 64, special: true, overrideSpecial: AUTH_TOKEN_SPECIALS },
      { parent: this },
    );
    const secret = new aws.secretsmanager.Secret(
      `${name}-auth`,
      {
        ...(args.secretName ? { name: args.secretName } : {}),
        description: `ElastiCache AUTH token (${stack}/${name})`,
        kmsKeyId: primary.kmsKeyArn,
        recoveryWindowInDays: profile.retention.secretRecoveryWindowDays,
        replicas: args.global ? secondaries.map((r) => ({ region: r.region, kmsKeyId: r.kmsKeyArn })) : [],
        tags,
      },
      { parent: this, provider: primary.provider, protect },
    );
    new aws.secretsmanager.SecretVersion(
      `${name}-auth`,
      { secretId: secret.id, secretString: pulumi.secret(pulumi.jsonStringify({ authToken: token.result, port: REDIS_PORT })) },
      { parent: this, provider: primary.provider },
    );

    const groups: RedisRegionalGroup[] = [];
    let globalGroup: aws.elasticache.GlobalReplicationGroup | undefined;
    members.forEach((r, index) => {
      const isPrimary = index === 0;
      const code = regionCode(r.region);
      const child = { parent: this, provider: r.provider };
      const replicationGroupId = physicalName([stack, name, code], 40);
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
      const placement: aws.elasticache.ReplicationGroupArgs = {
        replicationGroupId,
        description: `${name} (${stack}, ${isPrimary ? "primary" : "secondary"})`,
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
        tags,
      };
      const group = isPrimary
        ? new aws.elasticache.ReplicationGroup(
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
              finalSnapshotIdentifier: finalSnapshotIdentifier(`${name}-${code}`, [stack, name, code, "final"], this),
            },
            { ...child, protect },
          )
        : new aws.elasticache.ReplicationGroup(
            `${name}-${code}`,
            { ...placement, globalReplicationGroupId: (globalGroup as aws.elasticache.GlobalReplicationGroup).id },
            { ...child, protect },
          );
      if (isPrimary && args.global) {
        globalGroup = new aws.elasticache.GlobalReplicationGroup(
          `${name}-global`,
          {
            globalReplicationGroupIdSuffix: physicalName([stack, name], 40),
            // The provider's id is the full global replication group id (AWS prefixes the suffix).
            primaryReplicationGroupId: group.id,
            globalReplicationGroupDescription: `${name} (${stack})`,
          },
          { parent: this, provider: r.provider, protect },
        );
      }
      groups.push({
        region: r.region,
        role: isPrimary ? "primary" : "secondary",
        replicationGroupId,
        memberClusterIds: memberClusterIds(replicationGroupId, s.nodesPerShard),
        primaryEndpoint: group.primaryEndpointAddress,
        readerEndpoint: group.readerEndpointAddress,
        securityGroupId: securityGroup.id,
      });
    });

    this.groups = groups;
    this.globalReplicationGroupId = globalGroup ? globalGroup.id.apply((id): string | undefined => id) : pulumi.output(undefined);
    this.authSecretArn = secret.arn;
    this.endpoints = pulumi.all(
      groups.map((g) => pulumi.all([g.primaryEndpoint, g.readerEndpoint]).apply(([p, rd]) => ({ region: g.region, primaryEndpoint: p, readerEndpoint: rd }))),
    );
    this.registerOutputs({
      globalReplicationGroupId: this.globalReplicationGroupId,
      authSecretArn: this.authSecretArn,
      endpoints: this.endpoints,
    });
  }
}
