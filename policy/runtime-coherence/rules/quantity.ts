/**
 * Kubernetes resource quantities (`250m`, `1.5`, `512Mi`, `1G`, `129e6`) as numbers: cores for cpu, bytes for memory.
 * Mirrors the suffix table of k8s.io/apimachinery `resource.Quantity` (binary Ki..Ei, decimal n..E, exponent form).
 */
import { isUnknown } from "../../common/unknown";

const SUFFIX: Readonly<Record<string, number>> = {
  n: 1e-9, u: 1e-6, m: 1e-3, "": 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18,
  Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60,
};

/** The quantity as a number; `"unknown"` for a preview unknown; `undefined` when absent or not a quantity. */
export function quantityOf(value: unknown): number | "unknown" | undefined {
  if (isUnknown(value)) return "unknown";
  if (typeof value === "number") return Number.isFinite(value) ? value : undefined;
  if (typeof value !== "string") return undefined;
  const m = /^([+-]?(?:\d+\.?\d*|\.\d+))(?:([eE][+-]?\d+)|(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E))?$/.exec(value.trim());
  if (!m) return undefined;
  const base = Number(m[1]);
  if (m[2]) return base * 10 ** Number(m[2].slice(1));
  return base * SUFFIX[m[3] ?? ""];
}

/** A short human form for messages: cpu in cores (`12.5`), memory in Gi (`40Gi`). */
export function formatQuantity(resource: string, value: number): string {
  if (/memory|storage/.test(resource)) return `${Math.round((value / 2 ** 30) * 100) / 100}Gi`;
  return `${Math.round(value * 1000) / 1000}`;
}
