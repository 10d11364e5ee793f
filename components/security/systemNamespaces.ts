/**
 * Namespaces the platform (or EKS) owns, with the Pod Security level each one needs and why.
 *
 * Anything not in these tables is a tenant namespace and gets the restricted standard. A level above restricted is
 * only here with the workload that needs it written next to it.
 */
import { PodSecurityLevel, PodSecurityLevels } from "./psa";

export interface OwnedNamespace {
  readonly name: string;
  /** Level enforced. */
  readonly enforce: PodSecurityLevel;
  /** Levels for audit/warn: restricted unless that would only produce noise about the workloads listed in `reason`. */
  readonly audit: PodSecurityLevel;
  readonly warn: PodSecurityLevel;
  readonly reason: string;
}

/** Namespaces that exist in every EKS cluster: labelled in place with a NamespacePatch, never created. */
export const SYSTEM_NAMESPACES: readonly OwnedNamespace[] = [
  {
    name: "kube-system",
    enforce: PodSecurityLevels.Privileged,
    audit: PodSecurityLevels.Baseline,
    warn: PodSecurityLevels.Baseline,
    reason:
      "EKS add-ons run here and need host access: aws-node (VPC CNI) and kube-proxy use hostNetwork and privileged " +
      "containers, the EBS CSI node plugin mounts host paths. audit/warn at baseline flag anything else that needs more.",
  },
  {
    name: "kube-public",
    enforce: PodSecurityLevels.Restricted,
    audit: PodSecurityLevels.Restricted,
    warn: PodSecurityLevels.Restricted,
    reason: "Holds the cluster-info ConfigMap only; no pods.",
  },
  {
    name: "kube-node-lease",
    enforce: PodSecurityLevels.Restricted,
    audit: PodSecurityLevels.Restricted,
    warn: PodSecurityLevels.Restricted,
    reason: "Holds node Lease objects only; no pods.",
  },
  {
    name: "default",
    enforce: PodSecurityLevels.Restricted,
    audit: PodSecurityLevels.Restricted,
    warn: PodSecurityLevels.Restricted,
    reason: "Left empty on purpose (a pods quota of 0 keeps it so); workloads belong in a tenant namespace.",
  },
];

/** Namespaces the ClusterSecurityBaseline creates for platform add-ons. */
export const ADDON_NAMESPACES = {
  ExternalSecrets: "external-secrets",
  CertManager: "cert-manager",
  Monitoring: "monitoring",
} as const;

export const ADDON_NAMESPACE_LEVELS: Readonly<Record<string, Omit<OwnedNamespace, "name">>> = {
  [ADDON_NAMESPACES.ExternalSecrets]: {
    enforce: PodSecurityLevels.Restricted,
    audit: PodSecurityLevels.Restricted,
    warn: PodSecurityLevels.Restricted,
    reason: "The external-secrets chart runs non-root, drops all capabilities and sets a RuntimeDefault seccomp profile.",
  },
  [ADDON_NAMESPACES.CertManager]: {
    enforce: PodSecurityLevels.Restricted,
    audit: PodSecurityLevels.Restricted,
    warn: PodSecurityLevels.Restricted,
    reason: "The cert-manager chart (1.12+) meets the restricted standard out of the box.",
  },
  [ADDON_NAMESPACES.Monitoring]: {
    enforce: PodSecurityLevels.Privileged,
    audit: PodSecurityLevels.Baseline,
    warn: PodSecurityLevels.Baseline,
    reason:
      "Prometheus node-exporter reads node metrics through hostNetwork, hostPID and hostPath mounts of /proc and " +
      "/sys, which only the privileged standard admits. Nothing else belongs in this namespace.",
  },
};

/** Namespace label that lets a namespace use the `aws-secrets-manager` ClusterSecretStore. */
export const EXTERNAL_SECRETS_ACCESS_LABEL = "production-platform/external-secrets";

/** Names a tenant may not claim. */
export function isReservedNamespace(name: string): boolean {
  return (
    name.startsWith("kube-") ||
    SYSTEM_NAMESPACES.some((n) => n.name === name) ||
    Object.values(ADDON_NAMESPACES).some((n) => n === name)
  );
}
