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
