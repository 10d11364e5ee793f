/**
 * Deployment environments and their profile: the one table of every per-environment floor and default.
 *
 * Config validation, the components and the policy packs' `config/<env>.json` all answer "what does prod require?"
 * from here, so a config the stack accepts is one the components build and the packs pass at the environment's
 * enforcement. The packs cannot import this file (they must stay self-contained packages): a test
 * (test/components/shared/environment-profile.test.ts) proves their config files equal this table.
 */
import { checkOneOf, Problem, Problems } from "./validation";

export const Environments = ["dev", "staging", "prod"] as const;
export type Environment = (typeof Environments)[number];

/** How a pack's findings count in an environment (CrossGuard enforcement levels). */
export type Enforcement = "advisory" | "mandatory";

/** Per-environment floors and defaults. Every field is read by at least one component, the config or a pack test. */
export interface EnvironmentProfile {
  /** Prod-grade rules: DoNotSchedule zone spread, no public 0.0.0.0/0 endpoint, capacity in every zone. */
  readonly strict: boolean;
  /** Pulumi `protect` and deletion protection on everything that holds data or identity. */
  readonly protect: boolean;
  /** Fewest regions; the first is the primary. The data tier needs a second region outside dev. */
  readonly minRegions: number;
  /** Fewest availability zones per region (EKS needs two; prod survives a zone loss with two left). */
  readonly minZones: number;
  /** Loosest recovery objectives the environment may declare, in seconds. */
  readonly maxRpoSeconds: number;
  readonly maxRtoSeconds: number;
  /** NAT modes allowed (`Single` is a zonal single point of failure) and the default. */
  readonly natGateways: { readonly allowed: readonly ("OnePerZone" | "Single")[]; readonly default: "OnePerZone" | "Single" };
  /**
   * Replica floor of every replicated workload (HPA minimum or fixed replicas): HaService, config and
   * workload-resilience's wr-replicas-minimum (its `minReplicas` in policy/workload-resilience/config/<env>.json).
   */
  readonly minReplicas: number;
  /** `minReplicas` of a configured service that does not set it (one pod per zone in prod). */
  readonly defaultMinReplicas: number;
  /** Fewest Prometheus and Alertmanager replicas (one node loss must not stop alerting in prod). */
  readonly minPrometheusReplicas: number;
  readonly minAlertmanagerReplicas: number;
  /** Node group sizes per zone when config does not set them, and the fewest nodes per zone allowed. */
  readonly nodeGroup: { readonly minPerZoneFloor: number; readonly minPerZone: number; readonly desiredPerZone: number; readonly maxPerZone: number };
  /** Retention defaults, in days. */
  readonly retention: {
    readonly controlPlaneLogDays: number;
    readonly prometheusDays: number;
    readonly prometheusStorageGi: number;
    readonly auroraBackupDays: number;
    readonly redisSnapshotDays: number;
    readonly backupPlanDays: number;
    readonly noncurrentVersionDays: number;
    readonly kmsDeletionWindowDays: number;
    readonly secretRecoveryWindowDays: number;
  };
  /** At least one service must be declared (a prod environment that runs nothing is a mistake). */
  readonly requireServices: boolean;
  /** Image signature verification rejects (true) or audits (false) unsigned tenant images. */
  readonly enforceImageVerification: boolean;
  /** Enforcement of every pack's rules (`all` in policy/<pack>/config/<env>.json). */
  readonly enforcement: Enforcement;
  /**
   * Release strategy of a configured service that names none (HaService `delivery.strategy`): canary, analysed on
   * the service's SLO, wherever a bad release must roll back on its own; the Deployment's rolling update in dev.
   */
  readonly defaultDelivery: "rolling" | "canary";
  /** Fewest waypoint (mesh L7 proxy) pods per tenant: two where one proxy restart must not stop a tenant's calls. */
  readonly minWaypointReplicas: number;
}

const NON_PROD_RETENTION = {
  controlPlaneLogDays: 90,
  prometheusDays: 15,
  prometheusStorageGi: 50,
  auroraBackupDays: 7,
  redisSnapshotDays: 1,
  backupPlanDays: 7,
  noncurrentVersionDays: 30,
  kmsDeletionWindowDays: 7,
  secretRecoveryWindowDays: 7,
} as const;

const DEV: EnvironmentProfile = {
  strict: false,
  protect: false,
  minRegions: 1,
  minZones: 2,
  maxRpoSeconds: 86400,
  maxRtoSeconds: 86400,
  natGateways: { allowed: ["OnePerZone", "Single"], default: "Single" },
  minReplicas: 1,
  defaultMinReplicas: 2,
  minPrometheusReplicas: 1,
  minAlertmanagerReplicas: 1,
  nodeGroup: { minPerZoneFloor: 0, minPerZone: 1, desiredPerZone: 1, maxPerZone: 3 },
  retention: NON_PROD_RETENTION,
  requireServices: false,
  enforceImageVerification: false,
  enforcement: "advisory",
  defaultDelivery: "rolling",
  minWaypointReplicas: 1,
};

/** The table. */
export const ENVIRONMENT_PROFILES: Readonly<Record<Environment, EnvironmentProfile>> = {
  dev: DEV,
  // Staging mirrors prod's shape (regions, zones, NAT) at dev's cost and with advisory packs.
  staging: {
    ...DEV,
    minRegions: 2,
    minZones: 3,
    maxRpoSeconds: 3600,
    maxRtoSeconds: 3600,
    // The Network component refuses a single NAT gateway outside dev: staging rehearses prod's zone-loss behaviour.
    natGateways: { allowed: ["OnePerZone"], default: "OnePerZone" },
    minReplicas: 2,
    defaultDelivery: "canary",
    minWaypointReplicas: 2,
  },
  prod: {
    strict: true,
    protect: true,
    minRegions: 3,
    minZones: 3,
    maxRpoSeconds: 60,
    maxRtoSeconds: 300,
    natGateways: { allowed: ["OnePerZone"], default: "OnePerZone" },
    // One pod per zone over three zones: a zone loss leaves two serving (workload-resilience WR-1 requires 3).
    minReplicas: 3,
    defaultMinReplicas: 3,
    minPrometheusReplicas: 2,
    minAlertmanagerReplicas: 2,
    nodeGroup: { minPerZoneFloor: 1, minPerZone: 1, desiredPerZone: 2, maxPerZone: 10 },
    retention: {
      controlPlaneLogDays: 365,
      prometheusDays: 30,
      prometheusStorageGi: 200,
      auroraBackupDays: 35,
      redisSnapshotDays: 7,
      backupPlanDays: 35,
      noncurrentVersionDays: 365,
      kmsDeletionWindowDays: 30,
      secretRecoveryWindowDays: 30,
    },
    requireServices: true,
    enforceImageVerification: true,
    enforcement: "mandatory",
    defaultDelivery: "canary",
    minWaypointReplicas: 2,
  },
};

/**
 * The profile of an environment. A value outside the union (JavaScript callers, `as any`) gets prod's profile:
 * validation reports it separately ({@link environmentProblems}); until then the stricter answer is the safe one.
 */
export function environmentProfile(environment: Environment | undefined): EnvironmentProfile {
  return (Environments as readonly unknown[]).includes(environment) ? ENVIRONMENT_PROFILES[environment as Environment] : ENVIRONMENT_PROFILES.prod;
}

/**
 * Secrets Manager name prefix of an environment's platform secrets: the data tier names its secrets under it and the
 * External Secrets controller may read exactly it (one definition, so the two cannot drift apart).
 */
export function platformSecretPrefix(environment: Environment): string {
  return `platform/${environment}/`;
}

/**
 * The `Environment` union checked at run time: JavaScript callers, `as any` and config read as a string reach
 * components too, and `"production"` must stop the component rather than quietly get non-prod defaults.
 */
export function environmentProblems(value: unknown, property = "environment"): Problem[] {
  const problems = new Problems();
  checkOneOf(problems, property, value, Environments);
  return [...problems.list];
}
