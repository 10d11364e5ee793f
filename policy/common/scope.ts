/**
 * Where a resource lives, for cross-object joins. One stack can hold several clusters (one Kubernetes provider each)
 * and several AWS accounts/regions (one AWS provider each); a join by name alone would let cluster A's PDB satisfy
 * cluster B's Deployment. Every cross-object rule keys on these scopes.
 */
import type { Subject } from "./finding";
import { namespaceOf, objectName } from "./kubernetes";
import { references, referrersOf } from "./stack";
import { isUnknown } from "./unknown";

/** The scope of resources that use the default provider of a package (no explicit `provider` option). */
export const DEFAULT_PROVIDER = "default";

/**
 * The cluster a Kubernetes object belongs to: its Kubernetes provider's URN, `default` for the default provider.
 * The engine sends the default provider's reference too (`pulumi:providers:kubernetes::default_<version>`), so every
 * object of one default provider shares one key either way.
 */
export function clusterOf(subject: Subject): string {
  const p = subject.provider;
  if (!p || p.type !== "pulumi:providers:kubernetes") return DEFAULT_PROVIDER;
  return /::default(_[\w-]+)?$/.test(p.urn) ? DEFAULT_PROVIDER : p.urn;
}

/** `(cluster, namespace, name)` of a namespaced Kubernetes object; `undefined` namespace for cluster-scoped kinds. */
export function objectKey(subject: Subject, kind: string, name: string = objectName(subject), namespace: string | undefined = namespaceOf(subject)): string {
  return `${clusterOf(subject)}|${namespace ?? ""}|${kind}|${name}`;
}

/** `(cluster, namespace)` key. */
export function namespaceKey(subject: Subject, namespace: string | undefined = namespaceOf(subject)): string {
  return `${clusterOf(subject)}|${namespace ?? ""}`;
}

/**
 * The AWS account/region a resource is created in: the explicit AWS provider's region when it is known (two
 * providers for one region share account-level settings such as EBS encryption by default), else the provider URN;
 * `default` for the default provider (configured by `aws:region`, not visible to policies).
 */
export function awsScopeOf(subject: Subject): string {
  const p = subject.provider;
  if (!p || p.type !== "pulumi:providers:aws" || /::default(_[\w-]+)?$/.test(p.urn)) return DEFAULT_PROVIDER;
  const region = p.props?.region;
  return typeof region === "string" && region !== "" && !isUnknown(region) ? `region:${region}` : p.urn;
}

/**
 * `references` for names that are unique per account/region only (cluster names, DB cluster identifiers, log groups):
 * a property dependency is proof on its own; a match by value counts only within the same AWS scope.
 */
export function referencesInScope(from: Subject, prop: string, to: Subject, keys: readonly string[] = []): boolean {
  if ((from.propertyDependencies?.[prop] ?? []).includes(to.urn)) return true;
  return awsScopeOf(from) === awsScopeOf(to) && references(from, prop, to, keys);
}

/** `(to) => from.filter((r) => referencesInScope(r, prop, to, keys))` from one index over `from` (linear in the stack). */
export function referrersInScope(from: readonly Subject[], prop: string, keys: readonly string[] = []): (to: Subject) => Subject[] {
  const referrers = referrersOf(from, prop, keys);
  return (to) => referrers(to).filter((r) => (r.propertyDependencies?.[prop] ?? []).includes(to.urn) || awsScopeOf(r) === awsScopeOf(to));
}
