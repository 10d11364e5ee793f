/**
 * Kubernetes names, well-known keys and quantities shared by every area and the stack config: one definition each,
 * as the API server's validation (k8s.io/apimachinery pkg/util/validation IsDNS1123Label / IsDNS1035Label,
 * pkg/api/resource ParseQuantity) reads them.
 */

/** DNS-1035 label: Service names must be one (they become DNS names and must not start with a digit). */
export const DNS_1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
/** DNS-1123 label: namespaces and most other object names. */
export const DNS_1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
/** Longest DNS label Kubernetes accepts. */
export const MAX_LABEL_LENGTH = 63;

/** A DNS-1123 label of at most `max` characters (63, or less where a name is extended with a suffix). */
export function isDns1123Label(value: unknown, max = MAX_LABEL_LENGTH): value is string {
  return typeof value === "string" && value.length <= max && DNS_1123_LABEL.test(value);
}

/** A DNS-1035 label (starts with a letter) of at most `max` characters. */
export function isDns1035Label(value: unknown, max = MAX_LABEL_LENGTH): value is string {
  return typeof value === "string" && value.length <= max && DNS_1035_LABEL.test(value);
}

/** Well-known node label of the node's availability zone: the topology key for zone spread and zone affinity. */
export const ZONE_KEY = "topology.kubernetes.io/zone";

const CPU_QUANTITY = /^(\d+(?:\.\d+)?)(m?)$/;

/** A CPU quantity split into its number and whether it is in millicores; `undefined` when it is not one. */
function splitCpu(value: unknown): { amount: number; milli: boolean } | undefined {
  if (typeof value !== "string") return undefined;
  const match = CPU_QUANTITY.exec(value);
  if (!match) return undefined;
  return { amount: Number(match[1]), milli: match[2] === "m" };
}

/** CPU quantity in cores (`"250m"` → 0.25, `"1.5"` → 1.5, `"0"` → 0); `undefined` when malformed. */
export function parseCpuCores(value: unknown): number | undefined {
  const cpu = splitCpu(value);
  if (!cpu) return undefined;
  return cpu.amount / (cpu.milli ? 1000 : 1);
}

const MEMORY_QUANTITY = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|Ti|Pi|Ei|k|M|G|T|P|E)?$/;
const MEMORY_FACTORS: Readonly<Record<string, number>> = {
  "": 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18,
  Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60,
};

/**
 * Memory quantity in bytes (`"256Mi"`, `"1G"`, `"1.5Gi"`); `undefined` when malformed. The suffixes are
 * ParseQuantity's binary (Ki…Ei) and decimal (k, M…E) ones: `"1K"` is not a quantity (the decimal kilo is `k`).
 */
export function parseMemoryBytes(value: unknown): number | undefined {
  if (typeof value !== "string") return undefined;
  const match = MEMORY_QUANTITY.exec(value);
  if (!match) return undefined;
  return Number(match[1]) * MEMORY_FACTORS[match[2] ?? ""];
}

/** Positive CPU quantity in millicores (`"2"` → 2000, `"250m"` → 250); `undefined` when malformed or zero. */
export function parseCpuMillicores(value: unknown): number | undefined {
  const cpu = splitCpu(value);
  if (!cpu) return undefined;
  const n = cpu.amount * (cpu.milli ? 1 : 1000);
  return n > 0 ? n : undefined;
}
