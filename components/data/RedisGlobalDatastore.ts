import { environmentProblems, environmentProfile } from "../shared/environment";
import * as pulumi from "@pulumi/pulumi";
import { argsObjectProblems, checkOptionalBoolean, listField, Problem, Problems, throwIfProblems } from "../shared/validation";
import { checkOptionalSecretName, checkRegionEntries, checkRegionZones } from "./network";
import { REDIS_PORT, redisProblems, RedisSettings, resolveRedisSettings } from "./redis";
import { createAuthToken, createRegionalGroups, RedisContext } from "./redisPieces";
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
  checkRegionEntries(problems, regions);
  checkRegionZones(problems, regions, "so Multi-AZ failover has another zone to fail over to");
  problems.check(!args.global || regions.length <= 3, {
    property: "regions",
    value: regions.length,
    rule: "at most 3 regions for a global datastore (a primary and two secondaries)",
    fix: "list at most 3 regions",
  });
  problems.check(regions.length >= 1, { property: "regions", value: regions.length, rule: "at least one region", fix: "pass the primary region" });
  problems.check(typeof args.global === "boolean", { property: "global", value: args.global, rule: "true or false (whether the secondaries join a global datastore)", fix: "pass DataTier's plan.global" });
  checkOptionalBoolean(problems, "protect", args.protect);
  checkOptionalSecretName(problems, "secretName", args.secretName);
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

    const ctx: RedisContext = { name, parent: this, settings: s, profile, protect, global: args.global, stack, tags };
    const { token, secret } = createAuthToken(ctx, primary, secondaries, args.secretName);
    const { groups, globalGroup } = createRegionalGroups(ctx, members, token);

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
