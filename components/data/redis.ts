/** Pure settings and validation of the ElastiCache (Redis OSS / Valkey) global datastore. */
import { argsObjectProblems, checkInteger, checkOneOf, Problem, Problems } from "../shared/validation";
import { CacheEngine, CacheEngines, Environment } from "./types";
import { environmentProfile } from "../shared/environment";

export const REDIS_PORT = 6379;
export const DEFAULT_CACHE_ENGINE: CacheEngine = "redis";
/** Redis OSS 7.1: supported by global datastores, in-transit encryption changes without replacement (≥ 7.0.5). */
export const DEFAULT_CACHE_ENGINE_VERSION: Record<CacheEngine, string> = { redis: "7.1", valkey: "8.0" };
/** Global datastores need r5/m5-generation or newer node types. */
export const DEFAULT_CACHE_NODE_TYPE = "cache.r7g.large";
/** Characters ElastiCache accepts in an AUTH token besides letters and digits. */
export const AUTH_TOKEN_SPECIALS = "!&#$^<>-";

export interface RedisSettings {
  /** @default "redis" (Redis OSS) */
  readonly engine?: CacheEngine;
  /** @default "7.1" for redis, "8.0" for valkey */
  readonly engineVersion?: string;
  /**
   * Node type of every node; global datastores need r5/m5 generation or newer (r6g, r7g, m6g, m7g ...).
   * @default "cache.r7g.large"
   */
  readonly nodeType?: string;
  /**
   * Nodes per shard (one primary, the rest replicas in other zones for Multi-AZ failover), per region.
   * @default 3 in prod when three zones are given, otherwise 2
   */
  readonly nodesPerShard?: number;
  /**
   * Days of daily snapshots kept.
   * @default 7 in prod, 1 elsewhere
   */
  readonly snapshotRetentionDays?: number;
}

export interface ResolvedRedisSettings {
  readonly engine: CacheEngine;
  readonly engineVersion: string;
  readonly nodeType: string;
  readonly nodesPerShard: number;
  readonly snapshotRetentionDays: number;
}

export function resolveRedisSettings(settings: RedisSettings, environment: Environment, minZones: number): ResolvedRedisSettings {
  const profile = environmentProfile(environment);
  const engine = settings.engine ?? DEFAULT_CACHE_ENGINE;
  return {
    engine,
    engineVersion: settings.engineVersion ?? DEFAULT_CACHE_ENGINE_VERSION[engine],
    nodeType: settings.nodeType ?? DEFAULT_CACHE_NODE_TYPE,
    nodesPerShard: settings.nodesPerShard ?? (profile.strict && minZones >= 3 ? 3 : 2),
    snapshotRetentionDays: settings.snapshotRetentionDays ?? profile.retention.redisSnapshotDays,
  };
}

export function redisProblems(settings: RedisSettings, prefix = "redis"): Problem[] {
  const shape = argsObjectProblems(settings, "Redis", prefix);
  if (shape.length > 0) return shape;
  const problems = new Problems();
  if (settings.engine !== undefined) checkOneOf(problems, `${prefix}.engine`, settings.engine, CacheEngines);
  if (settings.engineVersion !== undefined) {
    problems.check(typeof settings.engineVersion === "string" && /^([6-9])\.\d+$/.test(settings.engineVersion), {
      property: `${prefix}.engineVersion`,
      value: settings.engineVersion,
      rule: "a major.minor version of 6.2 or later",
      fix: `set ${prefix}.engineVersion to e.g. "${DEFAULT_CACHE_ENGINE_VERSION.redis}"`,
    });
  }
  if (settings.nodeType !== undefined) {
    problems.check(typeof settings.nodeType === "string" && /^cache\.(r|m)([5-9])[a-z]*\.[a-z0-9]+$/.test(settings.nodeType), {
      property: `${prefix}.nodeType`,
      value: settings.nodeType,
      rule: "an r5/m5-generation or newer node type (global datastores do not support t-class or older nodes)",
      fix: `set ${prefix}.nodeType to e.g. "${DEFAULT_CACHE_NODE_TYPE}"`,
    });
  }
  if (settings.nodesPerShard !== undefined) {
    checkInteger(problems, `${prefix}.nodesPerShard`, settings.nodesPerShard, 2, 6,
      `set ${prefix}.nodesPerShard to 2 or more so a replica in another zone can take over (Multi-AZ automatic failover)`);
  }
  if (settings.snapshotRetentionDays !== undefined) {
    checkInteger(problems, `${prefix}.snapshotRetentionDays`, settings.snapshotRetentionDays, 1, 35,
      `set ${prefix}.snapshotRetentionDays between 1 and 35; 0 would turn snapshots off`);
  }
  return [...problems.list];
}

/** Member cache cluster ids of a cluster-mode-disabled replication group: `<id>-001`, `<id>-002`, ... */
export function memberClusterIds(replicationGroupId: string, nodes: number): string[] {
  return Array.from({ length: nodes }, (_v, i) => `${replicationGroupId}-${String(i + 1).padStart(3, "0")}`);
}
