/**
 * Joining resources in stack rules. Ids and names are often outputs, unknown at preview, so a reference is found
 * through the engine's property dependencies first (the input was computed from that resource), then by value.
 */
import type { Subject } from "./finding";
import { isUnknown } from "./unknown";

/**
 * True when `from`'s input `prop` refers to `to`: `prop` was computed from `to` (property dependency), or its value
 * (a string or one element of a list) equals one of `to`'s known `keys` (inputs such as `bucket`, `name`, or the id).
 */
export function references(from: Subject, prop: string, to: Subject, keys: readonly string[] = []): boolean {
  if ((from.propertyDependencies?.[prop] ?? []).includes(to.urn)) return true;
  const value = from.props[prop];
  const values = Array.isArray(value) ? value : [value];
  const targets = keys.map((k) => to.props[k]).filter((v) => typeof v === "string" && v !== "" && !isUnknown(v));
  return values.some((v) => typeof v === "string" && !isUnknown(v) && targets.includes(v));
}

/** Resources of a type token. */
export function ofType(resources: readonly Subject[], type: string): Subject[] {
  return resources.filter((r) => r.type === type);
}

/** Groups subjects by a key function, keeping first-seen order. */
export function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = out.get(k);
    if (list) list.push(item);
    else out.set(k, [item]);
  }
  return out;
}

function pushAt<K>(index: Map<K, number[]>, key: K, at: number): void {
  const list = index.get(key);
  if (list) list.push(at);
  else index.set(key, [at]);
}

/**
 * `(to) => from.filter((r) => references(r, prop, to, keys))`, answered from one index over `from` instead of a scan
 * per `to`, so a rule joining every bucket to its settings (every Service to its workloads, …) stays linear in the
 * stack's size. Same matches, in `from`'s order.
 */
export function referrersOf(from: readonly Subject[], prop: string, keys: readonly string[] = []): (to: Subject) => Subject[] {
  const byUrn = new Map<string, number[]>();
  const byValue = new Map<string, number[]>();
  from.forEach((r, at) => {
    const deps = r.propertyDependencies?.[prop];
    if (Array.isArray(deps)) for (const urn of new Set(deps)) pushAt(byUrn, urn, at);
    const value = r.props[prop];
    const values = new Set(Array.isArray(value) ? value : [value]);
    for (const v of values) if (typeof v === "string" && !isUnknown(v)) pushAt(byValue, v, at);
  });
  return (to) => {
    const hits = new Set(byUrn.get(to.urn) ?? []);
    for (const k of new Set(keys)) {
      const target = to.props[k];
      if (typeof target === "string" && target !== "" && !isUnknown(target)) for (const at of byValue.get(target) ?? []) hits.add(at);
    }
    return [...hits].sort((a, b) => a - b).map((at) => from[at]);
  };
}

/**
 * `(from) => targets.filter((t) => references(from, prop, t, keys))` from one index over `targets` (the other
 * direction of `referrersOf`): which of the targets one resource's input refers to. Same matches, in `targets`' order.
 */
export function referencedBy(targets: readonly Subject[], prop: string, keys: readonly string[] = []): (from: Subject) => Subject[] {
  const byUrn = new Map<string, number[]>();
  const byValue = new Map<string, number[]>();
  targets.forEach((t, at) => {
    pushAt(byUrn, t.urn, at);
    const values = new Set(keys.map((k) => t.props[k]));
    for (const v of values) if (typeof v === "string" && v !== "" && !isUnknown(v)) pushAt(byValue, v, at);
  });
  return (from) => {
    const hits = new Set<number>();
    const deps = from.propertyDependencies?.[prop];
    if (Array.isArray(deps)) for (const urn of deps) for (const at of byUrn.get(urn) ?? []) hits.add(at);
    const value = from.props[prop];
    for (const v of Array.isArray(value) ? value : [value]) if (typeof v === "string" && !isUnknown(v)) for (const at of byValue.get(v) ?? []) hits.add(at);
    return [...hits].sort((a, b) => a - b).map((at) => targets[at]);
  };
}
