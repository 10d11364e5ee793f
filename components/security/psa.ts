/**
 * Pod Security Admission: the namespace labels that make the API server enforce a Pod Security Standard.
 *
 * Every label is pinned to the cluster's Kubernetes minor version (`enforce-version: v1.33`) instead of `latest`, so
 * upgrading the control plane never silently tightens (or loosens) what a namespace admits: the version moves when
 * the platform moves it, together with the cluster.
 */
import { Problems } from "../shared/validation";

/** The three Pod Security Standards, most to least permissive. */
export const PodSecurityLevels = {
  Privileged: "privileged",
  Baseline: "baseline",
  Restricted: "restricted",
} as const;
export type PodSecurityLevel = (typeof PodSecurityLevels)[keyof typeof PodSecurityLevels];
export const POD_SECURITY_LEVELS: readonly PodSecurityLevel[] = Object.values(PodSecurityLevels);

/** The three admission modes; each gets a level label and a `-version` label. */
export const PSA_MODES = ["enforce", "audit", "warn"] as const;
export type PsaMode = (typeof PSA_MODES)[number];

export const PSA_LABEL_PREFIX = "pod-security.kubernetes.io";

const KUBERNETES_VERSION = /^1\.(\d{2})$/;

/** True for a Kubernetes minor version as EKS spells it, e.g. `1.33`. */
export function isKubernetesMinorVersion(value: unknown): value is string {
  return typeof value === "string" && KUBERNETES_VERSION.test(value) && Number(KUBERNETES_VERSION.exec(value)![1]) >= 25;
}

/** Records a problem unless `value` is a Kubernetes minor version PSA understands (1.25 or later). */
export function checkKubernetesVersion(problems: Problems, property: string, value: unknown): boolean {
  return problems.check(isKubernetesMinorVersion(value), {
    property,
    value,
    rule: 'a Kubernetes minor version "1.<minor>", 1.25 or later (Pod Security Admission is GA from 1.25)',
    fix: `set ${property} to the cluster's version, e.g. "1.33"`,
  });
}

/** `1.33` → `v1.33`, the form PSA expects in its `-version` labels. */
export function psaVersion(kubernetesVersion: string): string {
  return `v${kubernetesVersion}`;
}

/**
 * The six PSA labels for a namespace.
 *
 * `enforce` is the level pods must meet to be admitted. `audit` and `warn` default to `restricted` even when
 * enforcement is relaxed, so every deviation from the restricted standard still shows up in the audit log and in
 * `kubectl` warnings instead of disappearing with the relaxation.
 */
export function psaLabels(
  enforce: PodSecurityLevel,
  kubernetesVersion: string,
  observe: { audit?: PodSecurityLevel; warn?: PodSecurityLevel } = {},
): Record<string, string> {
  const version = psaVersion(kubernetesVersion);
  const levels: Record<PsaMode, PodSecurityLevel> = {
    enforce,
    audit: observe.audit ?? PodSecurityLevels.Restricted,
    warn: observe.warn ?? PodSecurityLevels.Restricted,
  };
  const labels: Record<string, string> = {};
  for (const mode of PSA_MODES) {
    labels[`${PSA_LABEL_PREFIX}/${mode}`] = levels[mode];
    labels[`${PSA_LABEL_PREFIX}/${mode}-version`] = version;
  }
  return labels;
}
