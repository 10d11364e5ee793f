/**
 * ResourceQuota and LimitRange for a namespace: a ceiling on what a team can consume, and defaults for containers
 * that do not say what they need.
 *
 * The two work together: a quota on `requests.cpu`/`limits.memory` makes the API server reject pods that do not
 * declare them, and the LimitRange fills those values in for containers that leave them out, so a team's first
 * deploy works and still counts against its quota.
 */
import * as k8s from "@pulumi/kubernetes";
import { parseCpuMillicores, parseMemoryBytes } from "../shared/kubernetes";
import { checkOptionalObject, isInteger, isRecord, Problems } from "../shared/validation";

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

/** Positive byte quantity; `undefined` when it is not one or is zero (`"1Gi"` → 1073741824). */
export function parseBytes(value: unknown): number | undefined {
  const n = parseMemoryBytes(value);
  return n !== undefined && n > 0 ? n : undefined;
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

type QuantityCheck = (property: string, value: unknown) => boolean;

/** The checks of one CPU quantity, byte quantity and object count, each recording its problem. */
function quantityChecks(problems: Problems): { cpu: QuantityCheck; bytes: QuantityCheck; count: QuantityCheck } {
  return {
    cpu: (property, value) =>
      problems.check(parseCpuMillicores(value) !== undefined, {
        property, value, rule: 'a positive CPU quantity such as "2", "0.5" or "500m"', fix: `set ${property} in cores or millicores`,
      }),
    bytes: (property, value) =>
      problems.check(parseBytes(value) !== undefined, {
        property, value, rule: 'a positive byte quantity such as "512Mi" or "8Gi"', fix: `set ${property} with a binary suffix (Mi, Gi)`,
      }),
    count: (property, value) =>
      problems.check(Number.isInteger(value) && (value as number) >= 0 && (value as number) <= 10000, {
        property, value, rule: "an integer from 0 to 10000", fix: `set ${property} to a whole number`,
      }),
  };
}

/** Which check judges each ResourceQuota field. */
const QUOTA_FIELD_KINDS: Readonly<Record<keyof QuotaSettings, "cpu" | "bytes" | "count">> = {
  requestsCpu: "cpu",
  requestsMemory: "bytes",
  limitsCpu: "cpu",
  limitsMemory: "bytes",
  pods: "count",
  services: "count",
  loadBalancers: "count",
  nodePorts: "count",
  persistentVolumeClaims: "count",
  requestsStorage: "bytes",
};

/**
 * A quota given on its own (an add-on namespace's, not a tenant's): unset or an object whose set fields are valid
 * quantities. Returns whether it can be read.
 */
export function checkQuotaFields(problems: Problems, property: string, quota: unknown): boolean {
  if (!checkOptionalObject(problems, property, quota, "of ResourceQuota caps { requestsCpu, requestsMemory, pods, ... }") || !isRecord(quota)) return quota == null;
  const checks = quantityChecks(problems);
  return (Object.entries(QUOTA_FIELD_KINDS) as [keyof QuotaSettings, "cpu" | "bytes" | "count"][])
    .filter(([key]) => quota[key] !== undefined)
    .map(([key, kind]) => checks[kind](`${property}.${key}`, quota[key]))
    .every(Boolean);
}

/**
 * The workloads whose footprint can be summed: objects with requests and limits objects (every other entry is
 * reported and left out); names, peak pods and quantities are judged too.
 */
export function checkWorkloadFootprints(problems: Problems, property: string, workloads: readonly WorkloadFootprint[]): WorkloadFootprint[] {
  const { cpu, bytes } = quantityChecks(problems);
  return workloads.filter((w, i) => {
    const at = `${property}[${i}]`;
    if (!isRecord(w)) {
      problems.add({ property: at, value: w, rule: "a workload footprint { name, peakPods, requests, limits }", fix: `write ${at} as an object, or remove it` });
      return false;
    }
    problems.check(typeof w.name === "string" && w.name !== "", { property: `${at}.name`, value: w.name, rule: "the workload's name", fix: `set ${at}.name` });
    problems.check(isInteger(w.peakPods, 0), { property: `${at}.peakPods`, value: w.peakPods, rule: "a whole number of pods ≥ 0", fix: "pass peakPods(maxReplicas, maxSurgePercent)" });
    const shapesOk = (["requests", "limits"] as const).map((k) => {
      const q: unknown = w[k];
      if (!isRecord(q)) return problems.check(false, { property: `${at}.${k}`, value: q, rule: "an object { cpu, memory }", fix: `set ${at}.${k} to the container's ${k}, e.g. { cpu: "250m", memory: "256Mi" }` });
      cpu(`${at}.${k}.cpu`, q.cpu);
      bytes(`${at}.${k}.memory`, q.memory);
      return true;
    });
    return shapesOk.every(Boolean);
  });
}

/** Validates caps and defaults, including that defaults fit under the ceiling and the ceiling under the quota. */
export function checkQuotaAndLimits(problems: Problems, quota: Required<QuotaSettings>, limits: Required<LimitSettings>): void {
  const { cpu, bytes, count } = quantityChecks(problems);
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
  order("limits.defaultRequestCpu", limits.defaultRequestCpu, limits.defaultCpu, parseCpuMillicores, "limits.defaultCpu");
  order("limits.defaultRequestMemory", limits.defaultRequestMemory, limits.defaultMemory, parseBytes, "limits.defaultMemory");
  order("limits.defaultCpu", limits.defaultCpu, limits.maxCpu, parseCpuMillicores, "limits.maxCpu");
  order("limits.defaultMemory", limits.defaultMemory, limits.maxMemory, parseBytes, "limits.maxMemory");
  order("quota.requestsCpu", quota.requestsCpu, quota.limitsCpu, parseCpuMillicores, "quota.limitsCpu");
  order("quota.requestsMemory", quota.requestsMemory, quota.limitsMemory, parseBytes, "quota.limitsMemory");
  order("limits.maxCpu", limits.maxCpu, quota.limitsCpu, parseCpuMillicores, "quota.limitsCpu");
  order("limits.maxMemory", limits.maxMemory, quota.limitsMemory, parseBytes, "quota.limitsMemory");
}

/** What one workload can hold at its peak: the most pods that exist at once (during a rollout at maxReplicas). */
export interface WorkloadFootprint {
  /** Names the workload in messages. */
  readonly name: string;
  /** maxReplicas plus the rollout surge (Kubernetes rounds a percentage maxSurge up). */
  readonly peakPods: number;
  /** Per pod, summed over its containers. */
  readonly requests: { readonly cpu: string; readonly memory: string };
  readonly limits: { readonly cpu: string; readonly memory: string };
}

/** Pods at the peak of a rolling update at `maxReplicas`, as the Deployment controller computes it (surge rounds up). */
export function peakPods(maxReplicas: number, maxSurgePercent: number): number {
  return maxReplicas + Math.ceil((maxReplicas * maxSurgePercent) / 100);
}

interface Totals { requestsCpu: number; requestsMemory: number; limitsCpu: number; limitsMemory: number; pods: number }

/** Σ peakPods × per-pod requests and limits. Quantities that do not parse count as 0 (their validation reports them). */
export function footprintTotals(workloads: readonly WorkloadFootprint[]): Totals {
  const sum = (pick: (w: WorkloadFootprint) => number) => workloads.reduce((acc, w) => acc + w.peakPods * pick(w), 0);
  return {
    requestsCpu: sum((w) => parseCpuMillicores(w.requests.cpu) ?? 0),
    requestsMemory: sum((w) => parseBytes(w.requests.memory) ?? 0),
    limitsCpu: sum((w) => parseCpuMillicores(w.limits.cpu) ?? 0),
    limitsMemory: sum((w) => parseBytes(w.limits.memory) ?? 0),
    pods: workloads.reduce((acc, w) => acc + w.peakPods, 0),
  };
}

const cpuText = (millicores: number) => (millicores % 1000 === 0 ? String(millicores / 1000) : `${Math.ceil(millicores)}m`);
const memoryText = (bytes: number) => `${Math.ceil(bytes / 2 ** 20)}Mi`;

/**
 * A quota that fits the declared workloads at their peak, never below the defaults (room for a team's jobs and
 * debugging pods). Explicit settings win; `checkWorkloadsFitQuota` then proves they still fit.
 */
export function quotaForWorkloads(workloads: readonly WorkloadFootprint[], explicit?: QuotaSettings): Required<QuotaSettings> {
  const t = footprintTotals(workloads);
  const atLeast = (fallback: string, need: number, parse: (v: unknown) => number | undefined, format: (n: number) => string) =>
    need > (parse(fallback) ?? 0) ? format(need) : fallback;
  const sized: Required<QuotaSettings> = {
    ...DEFAULT_QUOTA,
    requestsCpu: atLeast(DEFAULT_QUOTA.requestsCpu, t.requestsCpu, parseCpuMillicores, cpuText),
    requestsMemory: atLeast(DEFAULT_QUOTA.requestsMemory, t.requestsMemory, parseBytes, memoryText),
    limitsCpu: atLeast(DEFAULT_QUOTA.limitsCpu, t.limitsCpu, parseCpuMillicores, cpuText),
    limitsMemory: atLeast(DEFAULT_QUOTA.limitsMemory, t.limitsMemory, parseBytes, memoryText),
    pods: Math.max(DEFAULT_QUOTA.pods, t.pods),
  };
  return { ...sized, ...stripUndefined(explicit) };
}

/**
 * Every way the workloads at their peak exceed the quota or a container exceeds the LimitRange ceiling: the
 * ResourceQuota admission plugin would refuse the surplus pods and the rollout (and Pulumi's await) stalls.
 */
export function checkWorkloadsFitQuota(problems: Problems, property: string, workloads: readonly WorkloadFootprint[], quota: Required<QuotaSettings>, limits: Required<LimitSettings>): void {
  const t = footprintTotals(workloads);
  const names = workloads.map((w) => `${w.name} ×${w.peakPods}`).join(", ");
  const fit = (field: keyof Totals, cap: number | undefined, shown: string, format: (n: number) => string) =>
    problems.check(cap === undefined || t[field] <= cap, {
      property: `${property}.${field}`, value: shown,
      rule: `room for the services at maxReplicas plus rollout surge (${names}): ${format(t[field])}`,
      fix: `raise ${property}.${field} to at least ${format(t[field])}, or lower the services' maxReplicas`,
    });
  fit("requestsCpu", parseCpuMillicores(quota.requestsCpu), quota.requestsCpu, cpuText);
  fit("requestsMemory", parseBytes(quota.requestsMemory), quota.requestsMemory, memoryText);
  fit("limitsCpu", parseCpuMillicores(quota.limitsCpu), quota.limitsCpu, cpuText);
  fit("limitsMemory", parseBytes(quota.limitsMemory), quota.limitsMemory, memoryText);
  fit("pods", quota.pods, String(quota.pods), String);
  for (const w of workloads) {
    problems.check((parseCpuMillicores(w.limits.cpu) ?? 0) <= (parseCpuMillicores(limits.maxCpu) ?? Infinity) && (parseBytes(w.limits.memory) ?? 0) <= (parseBytes(limits.maxMemory) ?? Infinity), {
      property: `${property}.${w.name}`, value: w.limits,
      rule: `container limits within the namespace's LimitRange max (${limits.maxCpu} CPU, ${limits.maxMemory})`,
      fix: `lower ${w.name}'s limits or raise limits.maxCpu/maxMemory`,
    });
  }
}
