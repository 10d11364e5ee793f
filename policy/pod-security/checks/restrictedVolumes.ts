import { ALLOWED, CheckDefinition, CheckResult, Fix, Pod } from "../api";
import { isSet, joinQuote, list, obj, pluralize, sortedUnique } from "./util";

/** Inline volume sources the restricted level allows. `image` was added to the 1.0 revision upstream (k8s 1.33). */
export const ALLOWED_VOLUME_SOURCES: ReadonlySet<string> = new Set([
  "configMap",
  "csi",
  "downwardAPI",
  "emptyDir",
  "ephemeral",
  "image",
  "persistentVolumeClaim",
  "projected",
  "secret",
]);

/** Every other volume source of the core/v1 API; each is forbidden by name. */
const RESTRICTED_VOLUME_SOURCES: ReadonlySet<string> = new Set([
  "hostPath",
  "gcePersistentDisk",
  "awsElasticBlockStore",
  "gitRepo",
  "nfs",
  "iscsi",
  "glusterfs",
  "rbd",
  "flexVolume",
  "cinder",
  "cephfs",
  "flocker",
  "fc",
  "azureFile",
  "vsphereVolume",
  "quobyte",
  "azureDisk",
  "photonPersistentDisk",
  "portworxVolume",
  "scaleIO",
  "storageos",
]);

/**
 * Classifies one volume. A volume with no source at all is what the API server defaults to `emptyDir`, so it is
 * allowed. A key that is neither an allowed nor a known restricted source is judged "unknown" and forbidden, as
 * upstream does for a source its registry does not list (fail closed: a pack older than the cluster must not wave
 * through a new source type).
 */
function volumeSourceVerdict(volume: Record<string, unknown>): { allowed: true } | { allowed: false; type: string; key: string } {
  const keys = Object.keys(volume).filter((k) => k !== "name" && isSet(volume[k]));
  if (keys.some((k) => ALLOWED_VOLUME_SOURCES.has(k))) return { allowed: true };
  const restricted = keys.find((k) => RESTRICTED_VOLUME_SOURCES.has(k));
  if (restricted) return { allowed: false, type: restricted, key: restricted };
  if (keys.length === 0) return { allowed: true };
  return { allowed: false, type: "unknown", key: keys[0] };
}

function restrictedVolumesV1Dot0(pod: Pod): CheckResult {
  const names: string[] = [];
  const types: string[] = [];
  const fixes: Fix[] = [];
  list(pod.spec.volumes).forEach((raw, i) => {
    const volume = obj(raw);
    if (!volume) return;
    const verdict = volumeSourceVerdict(volume);
    if (verdict.allowed) return;
    names.push(typeof volume.name === "string" ? volume.name : `volumes[${i}]`);
    types.push(verdict.type);
    fixes.push({ path: `spec.volumes[${i}].${verdict.key}`, change: `replace with one of ${[...ALLOWED_VOLUME_SOURCES].join(", ")}` });
  });
  if (names.length === 0) return ALLOWED;
  const unique = sortedUnique(types);
  return {
    allowed: false,
    forbiddenReason: "restricted volume types",
    forbiddenDetail: `${pluralize("volume", "volumes", names.length)} ${joinQuote(names)} ${pluralize("uses", "use", names.length)} ${pluralize("restricted volume type", "restricted volume types", unique.length)} ${joinQuote(unique)}`,
    fixes,
  };
}

export const restrictedVolumes: CheckDefinition = {
  id: "restrictedVolumes",
  level: "restricted",
  control: "Volume Types",
  severity: "medium",
  description: "Pods may use only configMap, csi, downwardAPI, emptyDir, ephemeral, image, persistentVolumeClaim, projected and secret volumes.",
  remediation: "Replace other inline volume sources with a persistentVolumeClaim, CSI, or one of the allowed ephemeral sources.",
  // Replaces the baseline hostPath check: restricted forbids hostPath as one of many sources.
  versions: [{ minMinor: 0, check: restrictedVolumesV1Dot0, overrides: ["hostPathVolumes"] }],
};
