/** Kubernetes well-known keys and quantity parsing shared by the workload, monitoring and security areas. */

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

/** Positive CPU quantity in millicores (`"2"` → 2000, `"250m"` → 250); `undefined` when malformed or zero. */
export function parseCpuMillicores(value: unknown): number | undefined {
  const cpu = splitCpu(value);
  if (!cpu) return undefined;
  const n = cpu.amount * (cpu.milli ? 1 : 1000);
  return n > 0 ? n : undefined;
}
