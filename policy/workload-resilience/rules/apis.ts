/**
 * Deprecated and removed Kubernetes API versions for the target cluster version: an object on a removed API fails
 * to apply after an upgrade (or already on a new cluster). Removal versions are the upstream deprecation guide's
 * (kubernetes.io/docs/reference/using-api/deprecation-guide).
 */
import { ResourceRule, describe } from "../../common/finding";
import { isKubernetesObject, kindOf } from "../../common/kubernetes";
import { resilience } from "./meta";

/** `group/version` (Pulumi's module part of the type token; core is `core/v1`) → Kubernetes minor that removed it. */
const REMOVED_IN: Readonly<Record<string, number>> = {
  "extensions/v1beta1": 16,
  "apps/v1beta1": 16,
  "apps/v1beta2": 16,
  "networking.k8s.io/v1beta1": 22,
  "rbac.authorization.k8s.io/v1alpha1": 22,
  "rbac.authorization.k8s.io/v1beta1": 22,
  "apiextensions.k8s.io/v1beta1": 22,
  "admissionregistration.k8s.io/v1beta1": 22,
  "apiregistration.k8s.io/v1beta1": 22,
  "authentication.k8s.io/v1beta1": 22,
  "authorization.k8s.io/v1beta1": 22,
  "certificates.k8s.io/v1beta1": 22,
  "coordination.k8s.io/v1beta1": 22,
  "scheduling.k8s.io/v1alpha1": 17,
  "scheduling.k8s.io/v1beta1": 22,
  "batch/v1beta1": 25,
  "batch/v2alpha1": 21,
  "discovery.k8s.io/v1beta1": 25,
  "events.k8s.io/v1beta1": 25,
  "node.k8s.io/v1beta1": 25,
  "policy/v1beta1": 25,
  "autoscaling/v2beta1": 25,
  "autoscaling/v2beta2": 26,
  "flowcontrol.apiserver.k8s.io/v1beta1": 26,
  "flowcontrol.apiserver.k8s.io/v1beta2": 29,
  "flowcontrol.apiserver.k8s.io/v1beta3": 32,
  "storage.k8s.io/v1alpha1": 27,
};
/** Group/versions for one kind only (storage.k8s.io/v1beta1 CSIStorageCapacity went in 1.27, the rest in 1.22). */
const REMOVED_KIND_IN: Readonly<Record<string, number>> = {
  "storage.k8s.io/v1beta1:CSIStorageCapacity": 27,
  "storage.k8s.io/v1beta1:StorageClass": 22,
  "storage.k8s.io/v1beta1:VolumeAttachment": 22,
  "storage.k8s.io/v1beta1:CSIDriver": 22,
  "storage.k8s.io/v1beta1:CSINode": 22,
};

/** The newest Kubernetes minor this repository supports; the default target when the pack config sets none. */
export const DEFAULT_TARGET_MINOR = 34;

function targetMinor(config: Readonly<Record<string, unknown>>): number {
  const v = config.kubernetesVersion;
  const m = typeof v === "string" ? /^1\.(\d+)$/.exec(v) : null;
  return m ? Number(m[1]) : DEFAULT_TARGET_MINOR;
}

export const apiVersionsCurrent: ResourceRule = {
  meta: resilience("WR-17", "api-versions-current", "Objects use API versions the target Kubernetes version still serves", "high", "Move the object to the current API version (e.g. apps/v1, networking.k8s.io/v1, policy/v1, autoscaling/v2, batch/v1).", [
    "kube-score stable-version",
    "Pluto (FairwindsOps) deprecated versions",
  ]),
  configSchema: { kubernetesVersion: { type: "string", pattern: "^1\\.\\d+$", default: `1.${DEFAULT_TARGET_MINOR}`, description: "Kubernetes minor version of the target clusters (1.N)." } },
  types: isKubernetesObject,
  check(r, ctx) {
    const groupVersion = r.type.split(":")[1] ?? "";
    const removed = REMOVED_KIND_IN[`${groupVersion}:${kindOf(r.type)}`] ?? REMOVED_IN[groupVersion];
    if (removed === undefined) return [];
    const target = targetMinor(ctx.config);
    const when = removed <= target ? `was removed in Kubernetes 1.${removed} (target 1.${target})` : `is deprecated and removed in Kubernetes 1.${removed}`;
    return [{ message: `${describe(r)} uses ${groupVersion}, which ${when}; move it to the current API version.` }];
  },
};
