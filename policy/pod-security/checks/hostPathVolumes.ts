import { ALLOWED, CheckDefinition, CheckResult, Pod } from "../api";
import { isSet, joinQuote, list, obj, pluralize } from "./util";

function hostPathVolumesV1Dot0(pod: Pod): CheckResult {
  const bad: { name: string; path: string }[] = [];
  list(pod.spec.volumes).forEach((raw, i) => {
    const v = obj(raw);
    if (v && isSet(v.hostPath)) bad.push({ name: typeof v.name === "string" ? v.name : `volumes[${i}]`, path: `spec.volumes[${i}]` });
  });
  if (bad.length === 0) return ALLOWED;
  return {
    allowed: false,
    forbiddenReason: "hostPath volumes",
    forbiddenDetail: `${pluralize("volume", "volumes", bad.length)} ${joinQuote(bad.map((b) => b.name))}`,
    fixes: bad.map((b) => ({ path: `${b.path}.hostPath`, change: "replace with a configMap, secret, emptyDir, persistentVolumeClaim or CSI volume" })),
  };
}

export const hostPathVolumes: CheckDefinition = {
  id: "hostPathVolumes",
  level: "baseline",
  control: "HostPath Volumes",
  severity: "critical",
  description: "Pods must not mount hostPath volumes.",
  remediation: "Replace hostPath volumes with configMap, secret, emptyDir, persistentVolumeClaim or CSI volumes.",
  versions: [{ minMinor: 0, check: hostPathVolumesV1Dot0 }],
};
