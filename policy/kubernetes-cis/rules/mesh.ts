/**
 * Zero-trust service traffic (NSA/CISA Kubernetes Hardening Guidance, "Network separation and hardening": encrypt
 * traffic between pods and authorize it by workload identity). Two stack rules over any program:
 *
 * - every tenant namespace is in the mesh with strict mTLS;
 * - every service has an AuthorizationPolicy selecting its pods.
 *
 * A "tenant namespace" is one where a workload's pods are fronted by a Service (the thing other workloads call),
 * outside kube-* and the mesh's root namespace. Everything is joined per cluster — the objects' Kubernetes provider —
 * so a policy in cluster A never covers cluster B. Istio's defaults are assumed: root namespace `istio-system`, ambient
 * enrolment by the `istio.io/dataplane-mode: ambient` namespace label (sidecar enrolment by `istio-injection: enabled`
 * or an `istio.io/rev` label is accepted too). Judged in every environment, so a dev stack on PERMISSIVE is reported
 * (advisory there), never counted as passing; prod's config makes them mandatory.
 */
import { Finding, StackRule, Subject } from "../../common/finding";
import { isKubernetesObject, kindOf, namespaceOf, selectorMatches } from "../../common/kubernetes";
import { isOfKind, MESH_ROOT_NAMESPACE as ROOT_NAMESPACE, meshEnrolment, servedWorkloads } from "../../common/mesh";
import { namespaceKey } from "../../common/scope";
import { cannotTellYet, isUnknown, objectOf } from "../../common/unknown";
import { nsaCisa } from "./meta";

const isPeerAuthentication = isOfKind("security.istio.io", "PeerAuthentication");
const isAuthorizationPolicy = isOfKind("security.istio.io", "AuthorizationPolicy");

/** "yes" / "unknown" per (cluster, namespace) in the mesh, either way (ambient or sidecar). */
function enrolment(resources: readonly Subject[]): Map<string, "yes" | "unknown"> {
  return new Map([...meshEnrolment(resources)].map(([key, e]) => [key, e.mode === "unknown" ? "unknown" : "yes"]));
}

/** The namespace-wide (no selector) mTLS mode per (cluster, namespace), including the root namespace. */
function namespaceModes(resources: readonly Subject[]): Map<string, string> {
  const modes = new Map<string, string>();
  for (const pa of resources.filter((r) => isPeerAuthentication(r.type))) {
    const spec = objectOf(pa.props.spec);
    const ns = namespaceOf(pa);
    if (!ns || ns === "unknown" || (spec && spec.selector !== undefined)) continue;
    const mode = objectOf(spec?.mtls)?.mode;
    modes.set(namespaceKey(pa, ns), isUnknown(mode) || (spec === undefined && isUnknown(pa.props.spec)) ? "unknown" : typeof mode === "string" ? mode : "UNSET");
  }
  return modes;
}

const MTLS = "nsa-mesh-strict-mtls";
export const meshStrictMtls: StackRule = {
  meta: nsaCisa("NET-1", MTLS, "Tenant namespaces are in the service mesh with strict mTLS", "high", "Enrol the namespace (label istio.io/dataplane-mode: ambient) and require mTLS: a PeerAuthentication with mtls.mode STRICT in istio-system (mesh-wide) or in the namespace, and no namespace-wide PERMISSIVE override.", [
    "Istio security best practices: mutual TLS STRICT",
  ]),
  judges: isKubernetesObject,
  check(resources) {
    const { served, undecided } = servedWorkloads(resources);
    const enrolled = enrolment(resources);
    const modes = namespaceModes(resources);
    const findings: Finding[] = undecided.map((w) => cannotTellYet(`${kindOf(w.type)} ${w.name}`, "metadata.namespace or its pod labels", MTLS, w));
    const seen = new Set<string>();
    for (const w of served) {
      const key = namespaceKey(w.subject, w.namespace);
      if (seen.has(key)) continue;
      seen.add(key);
      const inMesh = enrolled.get(key);
      const own = modes.get(key);
      const root = modes.get(namespaceKey(w.subject, ROOT_NAMESPACE));
      const effective = own !== undefined && own !== "UNSET" ? own : root;
      if (inMesh === "unknown" || effective === "unknown") findings.push(cannotTellYet(`namespace ${w.namespace}`, "mesh enrolment label or PeerAuthentication mode", MTLS, w.subject));
      else if (inMesh !== "yes") findings.push({ subject: w.subject, message: `Namespace ${w.namespace} (serving ${kindOf(w.subject.type)} ${w.subject.name}) is not in the service mesh; label it istio.io/dataplane-mode: ambient so its traffic is mutually authenticated and encrypted.` });
      else if (effective !== "STRICT") findings.push({ subject: w.subject, message: `Namespace ${w.namespace} is in the mesh but mTLS is ${effective ?? "not required"} (PERMISSIVE accepts plaintext); set a PeerAuthentication with mtls.mode STRICT in ${ROOT_NAMESPACE} or in the namespace.` });
    }
    return findings;
  },
};

const AUTHZ = "nsa-mesh-authorization-policy";
export const meshAuthorizationPolicy: StackRule = {
  meta: nsaCisa("NET-2", AUTHZ, "Every service has an identity-based AuthorizationPolicy", "high", "Add an AuthorizationPolicy (action ALLOW, selector matching the service's pods) that admits exactly the calling identities; with no rules it admits nobody.", [
    "Istio security best practices: default-deny authorization",
  ]),
  judges: isKubernetesObject,
  check(resources) {
    const { served, undecided } = servedWorkloads(resources);
    const policies = resources.filter((r) => isAuthorizationPolicy(r.type));
    const findings: Finding[] = undecided.map((w) => cannotTellYet(`${kindOf(w.type)} ${w.name}`, "metadata.namespace or its pod labels", AUTHZ, w));
    for (const w of served) {
      let unknown = false;
      const covered = policies.some((p) => {
        if (namespaceKey(p) !== namespaceKey(w.subject, w.namespace)) return false;
        const spec = objectOf(p.props.spec);
        if (spec === undefined) {
          unknown ||= isUnknown(p.props.spec);
          return false;
        }
        if (spec.selector === undefined) return true;
        const m = selectorMatches(spec.selector, w.labels);
        if (m === undefined) unknown = true;
        return m === true;
      });
      if (covered) continue;
      if (unknown) findings.push(cannotTellYet(`${kindOf(w.subject.type)} ${w.subject.name}`, "the AuthorizationPolicies of its namespace", AUTHZ, w.subject));
      else findings.push({ subject: w.subject, message: `${kindOf(w.subject.type)} ${w.subject.name} (namespace ${w.namespace}) is served by a Service but no AuthorizationPolicy selects its pods; add one that allows only its declared callers.` });
    }
    return findings;
  },
};
