/**
 * The isolation every platform-created namespace gets, whoever owns it: Pod Security labels, default-deny network
 * policy plus explicit allows, ResourceQuota, LimitRange and a default ServiceAccount that mounts no token.
 *
 * Shared by `Tenant` (team namespaces) and `ClusterSecurityBaseline` (add-on namespaces) so that the two can never
 * drift apart: a namespace the platform creates without these is a bug.
 */
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { PodSecurityLevel, psaLabels } from "./psa";
import {
  EgressRule,
  IngressRule,
  defaultDenySpec,
  dnsEgressSpec,
  egressAllowSpec,
  ingressAllowSpec,
  sameNamespaceSpec,
} from "./networkPolicies";
import { LimitSettings, QuotaSettings, limitRangeSpec, resourceQuotaSpec } from "./quota";

export interface NamespaceGuardrailsSpec {
  readonly namespace: string;
  readonly kubernetesVersion: string;
  readonly podSecurityLevel: PodSecurityLevel;
  /** Levels for audit/warn; restricted when not given (see `psaLabels`). */
  readonly observe?: { audit?: PodSecurityLevel; warn?: PodSecurityLevel };
  readonly labels?: Readonly<Record<string, string>>;
  readonly annotations?: Readonly<Record<string, string>>;
  readonly allowSameNamespace: boolean;
  readonly egress: readonly EgressRule[];
  readonly ingress: readonly IngressRule[];
  readonly quota: Required<QuotaSettings>;
  readonly limits: Required<LimitSettings>;
  /** Extra allow policies that the rule types above cannot express (e.g. webhook ingress from the control plane). */
  readonly extraPolicies?: readonly { readonly name: string; readonly spec: k8s.types.input.networking.v1.NetworkPolicySpec }[];
  /** Protect the Namespace object: deleting it deletes every workload and volume claim inside. */
  readonly protect: boolean;
  /**
   * The namespace already exists (e.g. `default`): label it with a NamespacePatch instead of creating it, so that
   * Pulumi never deletes it. @default false
   */
  readonly existing?: boolean;
}

/** Object names inside each guarded namespace: stable, so runbooks and audits can refer to them. */
export const GuardrailNames = {
  DefaultDeny: "default-deny-all",
  AllowDns: "allow-dns",
  AllowSameNamespace: "allow-same-namespace",
  Quota: "namespace-quota",
  Limits: "container-limits",
} as const;

export interface NamespaceGuardrails {
  readonly namespace: k8s.core.v1.Namespace | k8s.core.v1.NamespacePatch;
  /** The namespace name, known once the namespace exists (depend on this, not on the plain string). */
  readonly name: pulumi.Output<string>;
  readonly policies: k8s.networking.v1.NetworkPolicy[];
}

/** Registers the namespace and its guardrails as children of `parent`, named `<prefix>-…`. */
export function createNamespaceGuardrails(prefix: string, spec: NamespaceGuardrailsSpec, parent: pulumi.Resource): NamespaceGuardrails {
  const metadata = {
    name: spec.namespace,
    labels: {
      ...spec.labels,
      ...psaLabels(spec.podSecurityLevel, spec.kubernetesVersion, spec.observe),
      "app.kubernetes.io/managed-by": "pulumi",
    },
    ...(spec.annotations ? { annotations: { ...spec.annotations } } : {}),
  };
  const namespace = spec.existing
    ? new k8s.core.v1.NamespacePatch(
        `${prefix}-ns`,
        { metadata: { ...metadata, annotations: { ...metadata.annotations, "pulumi.com/patchForce": "true" } } },
        { parent },
      )
    : new k8s.core.v1.Namespace(`${prefix}-ns`, { metadata }, { parent, protect: spec.protect });
  // Read the name back from the namespace so that every object below waits for it to exist.
  const ns = (namespace.metadata as pulumi.Output<{ name?: string }>).apply((m) => m.name ?? spec.namespace);

  // The default ServiceAccount is created by the controller manager, not by us: a server-side-apply patch owns just
  // the one field. Patch resources need server-side apply, which pulumi-kubernetes 4.x enables by default
  // (`enableServerSideApply` on the provider must not be turned off). `patchForce` takes the field over should
  // another manager already have set it.
  new k8s.core.v1.ServiceAccountPatch(
    `${prefix}-default-sa`,
    {
      metadata: { name: "default", namespace: ns, annotations: { "pulumi.com/patchForce": "true" } },
      automountServiceAccountToken: false,
    },
    { parent, dependsOn: [namespace] },
  );

  const policy = (suffix: string, name: string, policySpec: k8s.types.input.networking.v1.NetworkPolicySpec) =>
    new k8s.networking.v1.NetworkPolicy(`${prefix}-${suffix}`, { metadata: { name, namespace: ns }, spec: policySpec }, { parent });

  const policies = [
    policy("default-deny", GuardrailNames.DefaultDeny, defaultDenySpec()),
    policy("allow-dns", GuardrailNames.AllowDns, dnsEgressSpec()),
  ];
  if (spec.allowSameNamespace) policies.push(policy("allow-same-namespace", GuardrailNames.AllowSameNamespace, sameNamespaceSpec()));
  for (const rule of spec.egress) policies.push(policy(`allow-egress-${rule.name}`, `allow-egress-${rule.name}`, egressAllowSpec(rule)));
  for (const rule of spec.ingress) policies.push(policy(`allow-ingress-${rule.name}`, `allow-ingress-${rule.name}`, ingressAllowSpec(rule)));
  for (const extra of spec.extraPolicies ?? []) policies.push(policy(extra.name, extra.name, extra.spec));

  new k8s.core.v1.ResourceQuota(`${prefix}-quota`, { metadata: { name: GuardrailNames.Quota, namespace: ns }, spec: resourceQuotaSpec(spec.quota) }, { parent });
  new k8s.core.v1.LimitRange(`${prefix}-limits`, { metadata: { name: GuardrailNames.Limits, namespace: ns }, spec: limitRangeSpec(spec.limits) }, { parent });

  return { namespace, name: ns, policies };
}
