/**
 * ResourceQuota and LimitRange for a namespace: a ceiling on what a team can consume, and defaults for containers
 * that do not say what they need.
 *
 * The two work together: a quota on `requests.cpu`/`limits.memory` makes the API server reject pods that do not
 * declare them, and the LimitRange fills those values in for containers that leave them out, so a team's first
 * deploy works and still counts against its quota.
 */
import * as k8s from "@pulumi/kubernetes";
import { parseCpuMillicores as parseCpu } from "../shared/kubernetes";
import { Problems } from "../shared/validation";

/** Caps for one namespace. Quantities use Kubernetes notation (`"4"`, `"500m"`, `"8Gi"`). */
export interface QuotaSettings {
  /** Sum of CPU requests. @default "4" */
  readonly requestsCpu?: string;
  /** Sum of memory requests. @default "8Gi" */
  readonly requestsMemory?: string;
  /** Sum of CPU limits. @default "8" */
  readonly limitsCpu?: string;
  /** Sum of memory limits. @default "16Gi" */
  readonly limitsMemory?: string;
  /** Pods (any phase but terminal). @default 50 */
  readonly pods?: number;
  /** Services. @default 20 */
  readonly services?: number;
  /** Services of type LoadBalancer: tenants are reached through the shared ingress. @default 0 */
  readonly loadBalancers?: number;
  /** Services of type NodePort: they open ports on every node. @default 0 */
  readonly nodePorts?: number;
  /** PersistentVolumeClaims. @default 10 */
  readonly persistentVolumeClaims?: number;
  /** Sum of storage requested by claims. @default "100Gi" */
  readonly requestsStorage?: string;
}

/** Per-container defaults and ceiling. */
export interface LimitSettings {
  /** CPU limit for a container that sets none. @default "500m" */
  readonly defaultCpu?: string;
  /** Memory limit for a container that sets none. @default "512Mi" */
  readonly defaultMemory?: string;
  /** CPU request for a container that sets none. @default "100m" */
  readonly defaultRequestCpu?: string;
  /** Memory request for a container that sets none. @default "128Mi" */
  readonly defaultRequestMemory?: string;
  /** Largest CPU limit one container may set. @default "2" */
  readonly maxCpu?: string;
  /** Largest memory limit one container may set. @default "4Gi" */
  readonly maxMemory?: string;
}

export const DEFAULT_QUOTA: Required<QuotaSettings> = Object.freeze({
  requestsCpu: "4",
  requestsMemory: "8Gi",
  limitsCpu: "8",
  limitsMemory: "16Gi",
  pods: 50,
  services: 20,
  loadBalancers: 0,
  nodePorts: 0,
  persistentVolumeClaims: 10,
  requestsStorage: "100Gi",
});

export const DEFAULT_LIMITS: Required<LimitSettings> = Object.freeze({
  defaultCpu: "500m",
  defaultMemory: "512Mi",
  defaultRequestCpu: "100m",
  defaultRequestMemory: "128Mi",
  maxCpu: "2",
  maxMemory: "4Gi",
});

const BYTES = /^(\d+)(Ki|Mi|Gi|Ti|Pi|k|M|G|T|P)?$/;
const BYTE_FACTORS: Record<string, number> = {
  "": 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15,
  Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50,
};

/** CPU quantity in millicores; `undefined` when it is not one (`"2"` → 2000, `"250m"` → 250). */
export { parseCpu };

/** Byte quantity; `undefined` when it is not one (`"1Gi"` → 1073741824). */
export function parseBytes(value: unknown): number | undefined {
  if (typeof value !== "string") return undefined;
  const m = BYTES.exec(value);
  if (!m) return undefined;
  const n = Number(m[1]) * BYTE_FACTORS[m[2] ?? ""];
  return n > 0 ? n : undefined;
}

export function resolveQuota(quota?: QuotaSettings): Required<QuotaSettings> {
  return { ...DEFAULT_QUOTA, ...stripUndefined(quota) };
}

export function resolveLimits(limits?: LimitSettings): Required<LimitSettings> {
  return { ...DEFAULT_LIMITS, ...stripUndefined(limits) };
}

function stripUndefined<T extends object>(value: T | undefined): Partial<T> {
  return Object.fromEntries(Object.entries(value ?? {}).filter(([, v]) => v !== undefined)) as Partial<T>;
}

export function resourceQuotaSpec(quota: Required<QuotaSettings>): k8s.types.input.core.v1.ResourceQuotaSpec {
  return {
    hard: {
      "requests.cpu": quota.requestsCpu,
      "requests.memory": quota.requestsMemory,
      "limits.cpu": quota.limitsCpu,
      "limits.memory": quota.limitsMemory,
      pods: String(quota.pods),
      services: String(quota.services),
      "services.loadbalancers": String(quota.loadBalancers),
      "services.nodeports": String(quota.nodePorts),
      persistentvolumeclaims: String(quota.persistentVolumeClaims),
      "requests.storage": quota.requestsStorage,
    },
  };
}

export function limitRangeSpec(limits: Required<LimitSettings>): k8s.types.input.core.v1.LimitRangeSpec {
  return {
    limits: [
      {
        type: "Container",
        default: { cpu: limits.defaultCpu, memory: limits.defaultMemory },
        defaultRequest: { cpu: limits.defaultRequestCpu, memory: limits.defaultRequestMemory },
        max: { cpu: limits.maxCpu, memory: limits.maxMemory },
      },
    ],
  };
}

/** Validates caps and defaults, including that defaults fit under the ceiling and the ceiling under the quota. */
export function checkQuotaAndLimits(problems: Problems, quota: Required<QuotaSettings>, limits: Required<LimitSettings>): void {
  const cpu = (property: string, value: unknown) =>
    problems.check(parseCpu(value) !== undefined, {
      property, value, rule: 'a positive CPU quantity such as "2", "0.5" or "500m"', fix: `set ${property} in cores or millicores`,
    });
  const bytes = (property: string, value: unknown) =>
    problems.check(parseBytes(value) !== undefined, {
      property, value, rule: 'a positive byte quantity such as "512Mi" or "8Gi"', fix: `set ${property} with a binary suffix (Mi, Gi)`,
    });
  const count = (property: string, value: unknown) =>
    problems.check(Number.isInteger(value) && (value as number) >= 0 && (value as number) <= 10000, {
      property, value, rule: "an integer from 0 to 10000", fix: `set ${property} to a whole number`,
    });
  const ok = [
    cpu("quota.requestsCpu", quota.requestsCpu),
    bytes("quota.requestsMemory", quota.requestsMemory),
    cpu("quota.limitsCpu", quota.limitsCpu),
    bytes("quota.limitsMemory", quota.limitsMemory),
    bytes("quota.requestsStorage", quota.requestsStorage),
    cpu("limits.defaultCpu", limits.defaultCpu),
    bytes("limits.defaultMemory", limits.defaultMemory),
    cpu("limits.defaultRequestCpu", limits.defaultRequestCpu),
    bytes("limits.defaultRequestMemory", limits.defaultRequestMemory),
    cpu("limits.maxCpu", limits.maxCpu),
    bytes("limits.maxMemory", limits.maxMemory),
  ].every(Boolean);
  count("quota.pods", quota.pods);
  count("quota.services", quota.services);
  count("quota.loadBalancers", quota.loadBalancers);
  count("quota.nodePorts", quota.nodePorts);
  count("quota.persistentVolumeClaims", quota.persistentVolumeClaims);
  if (!ok) return;

  const order = (property: string, lower: string, upper: string, parse: (v: unknown) => number | undefined, upperName: string) =>
    problems.check((parse(lower) as number) <= (parse(upper) as number), {
      property, value: lower, rule: `at most ${upperName} (${upper})`, fix: `lower ${property} or raise ${upperName}`,
    });
  order("limits.defaultRequestCpu", limits.defaultRequestCpu, limits.defaultCpu, parseCpu, "limits.defaultCpu");
  order("limits.defaultRequestMemory", limits.defaultRequestMemory, limits.defaultMemory, parseBytes, "limits.defaultMemory");
  order("limits.defaultCpu", limits.defaultCpu, limits.maxCpu, parseCpu, "limits.maxCpu");
  order("limits.defaultMemory", limits.defaultMemory, limits.maxMemory, parseBytes, "limits.maxMemory");
  order("quota.requestsCpu", quota.requestsCpu, quota.limitsCpu, parseCpu, "quota.limitsCpu");
  order("quota.requestsMemory", quota.requestsMemory, quota.limitsMemory, parseBytes, "quota.limitsMemory");
  order("limits.maxCpu", limits.maxCpu, quota.limitsCpu, parseCpu, "quota.limitsCpu");
  order("limits.maxMemory", limits.maxMemory, quota.limitsMemory, parseBytes, "quota.limitsMemory");
}
