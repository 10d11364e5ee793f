/**
 * Defensive accessors shared by the checks. Pod specs arrive as untyped JSON (any Pulumi program, any provider
 * version, preview placeholders), so every read tolerates missing fields, nulls and wrong types the way the API
 * server's decoder would: a field that is not the right shape counts as not set.
 */
import { Pod } from "../api";

export type Obj = Readonly<Record<string, unknown>>;

export function obj(value: unknown): Obj | undefined {
  return value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Obj) : undefined;
}

export function list(value: unknown): readonly unknown[] {
  return Array.isArray(value) ? value : [];
}

export function str(value: unknown): string {
  return typeof value === "string" ? value : "";
}

/** Whether a field is present with a value (Go: non-nil pointer). JSON null counts as absent. */
export function isSet(value: unknown): boolean {
  return value !== undefined && value !== null;
}

export type ContainerKind = "initContainers" | "containers" | "ephemeralContainers";

/** One container of any kind, with the path to it and its securityContext. */
export interface ContainerRef {
  readonly name: string;
  /** Path from the pod root, e.g. `spec.initContainers[0]`. */
  readonly path: string;
  readonly container: Obj;
  readonly securityContext: Obj | undefined;
}

const KINDS: readonly ContainerKind[] = ["initContainers", "containers", "ephemeralContainers"];

/**
 * Every container in upstream's visiting order: init, regular, ephemeral. Inside `sharingContainers(pod, …)` (one
 * synchronous evaluation of a pod by all its checks) the list is built once and shared: most checks visit every
 * container, and rebuilding the list and its paths per check was a large part of a pod's evaluation. Outside it, or
 * for another object (the unknown-tracking proxy, whose reads must be recorded by the check making them), it is
 * built afresh, so a pod changed between two evaluations is never judged from a stale list.
 */
export function containersOf(pod: Pod): readonly ContainerRef[] {
  if (shared && shared.pod === pod) return (shared.refs ??= Object.freeze(buildContainersOf(pod)));
  return buildContainersOf(pod);
}

let shared: { readonly pod: Pod; refs?: readonly ContainerRef[] } | undefined;

/** Runs `evaluate` with `containersOf(pod)` built at most once (synchronous: nothing can change the pod meanwhile). */
export function sharingContainers<T>(pod: Pod, evaluate: () => T): T {
  const outer = shared;
  shared = { pod };
  try {
    return evaluate();
  } finally {
    shared = outer;
  }
}

function buildContainersOf(pod: Pod): ContainerRef[] {
  const out: ContainerRef[] = [];
  for (const kind of KINDS) {
    const containers = list(pod.spec[kind]);
    for (let i = 0; i < containers.length; i++) {
      if (!(i in containers)) continue;
      const container = obj(containers[i]);
      if (!container) continue;
      const path = `spec.${kind}[${i}]`;
      const name = typeof container.name === "string" && container.name !== "" ? container.name : `${kind}[${i}]`;
      out.push({ name, path, container, securityContext: obj(container.securityContext) });
    }
  }
  return out;
}

export function podSecurityContext(pod: Pod): Obj | undefined {
  return obj(pod.spec.securityContext);
}

/** `spec.os.name: windows` — the signal upstream's Windows relaxations key on (policy 1.25+). */
export function isWindowsPod(pod: Pod): boolean {
  return obj(pod.spec.os)?.name === "windows";
}

/** `spec.hostUsers: false` — the pod runs in a user namespace (KEP-127); relaxations apply from policy 1.35. */
export function inUserNamespace(pod: Pod): boolean {
  return pod.spec.hostUsers === false;
}

export function pluralize(singular: string, plural: string, count: number): string {
  return count === 1 ? singular : plural;
}

export function joinQuote(items: readonly string[]): string {
  return items.map((i) => JSON.stringify(i)).join(", ");
}

/** `container "a"` / `containers "a", "b"`. */
export function containerList(names: readonly string[]): string {
  return `${pluralize("container", "containers", names.length)} ${joinQuote(names)}`;
}

export function sortedUnique(items: Iterable<string>): string[] {
  return [...new Set(items)].sort();
}
