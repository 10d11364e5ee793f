import { ALLOWED, CheckDefinition, CheckResult, Fix, Pod } from "../api";
import { containerList, containersOf, joinQuote, obj, pluralize, podSecurityContext, sortedUnique, str } from "./util";

export const SECCOMP_POD_ANNOTATION = "seccomp.security.alpha.kubernetes.io/pod";
export const SECCOMP_CONTAINER_ANNOTATION_PREFIX = "container.seccomp.security.alpha.kubernetes.io/";
export const ALLOWED_SECCOMP_TYPES: ReadonlySet<string> = new Set(["RuntimeDefault", "Localhost"]);

function allowedAnnotation(value: string): boolean {
  return value === "runtime/default" || value === "docker/default" || value.startsWith("localhost/");
}

/** Before 1.19 seccomp was configured by alpha annotations only, so the 1.0 revision judges those. */
function seccompProfileBaselineV1Dot0(pod: Pod): CheckResult {
  const annotations = obj(pod.metadata.annotations) ?? {};
  const forbidden: string[] = [];
  const fixes: Fix[] = [];
  const judge = (key: string) => {
    if (!(key in annotations)) return;
    const value = str(annotations[key]);
    if (allowedAnnotation(value)) return;
    forbidden.push(`${key}=${JSON.stringify(value)}`);
    fixes.push({ path: `metadata.annotations[${JSON.stringify(key)}]`, change: 'set it to "runtime/default" or "localhost/<profile>"' });
  };
  judge(SECCOMP_POD_ANNOTATION);
  for (const c of containersOf(pod)) judge(SECCOMP_CONTAINER_ANNOTATION_PREFIX + c.name);
  if (forbidden.length === 0) return ALLOWED;
  const sorted = sortedUnique(forbidden);
  return {
    allowed: false,
    forbiddenReason: "seccompProfile",
    forbiddenDetail: `forbidden ${pluralize("annotation", "annotations", sorted.length)} ${sorted.join(", ")}`,
    fixes,
  };
}

/** From 1.19 the `seccompProfile` fields are judged (annotations are no longer consulted). */
function seccompProfileBaselineV1Dot19(pod: Pod): CheckResult {
  const setters: string[] = [];
  const values: string[] = [];
  const fixes: Fix[] = [];
  const change = 'set it to "RuntimeDefault" or "Localhost"';
  const podProfile = obj(podSecurityContext(pod)?.seccompProfile);
  if (podProfile && !ALLOWED_SECCOMP_TYPES.has(str(podProfile.type))) {
    setters.push("pod");
    values.push(str(podProfile.type));
    fixes.push({ path: "spec.securityContext.seccompProfile.type", change });
  }
  const bad = containersOf(pod).filter((c) => {
    const profile = obj(c.securityContext?.seccompProfile);
    if (!profile || ALLOWED_SECCOMP_TYPES.has(str(profile.type))) return false;
    values.push(str(profile.type));
    fixes.push({ path: `${c.path}.securityContext.seccompProfile.type`, change });
    return true;
  });
  if (bad.length > 0) setters.push(containerList(bad.map((c) => c.name)));
  if (setters.length === 0) return ALLOWED;
  return {
    allowed: false,
    forbiddenReason: "seccompProfile",
    forbiddenDetail: `${setters.join(" and ")} must not set securityContext.seccompProfile.type to ${joinQuote(sortedUnique(values))}`,
    fixes,
  };
}

export const seccompProfile_baseline: CheckDefinition = {
  id: "seccompProfile_baseline",
  level: "baseline",
  control: "Seccomp",
  severity: "high",
  description: "Pods must not set the seccomp profile to Unconfined.",
  remediation: 'Use seccompProfile type "RuntimeDefault" or "Localhost" (before v1.19: annotations "runtime/default" or "localhost/<profile>").',
  versions: [
    { minMinor: 0, check: seccompProfileBaselineV1Dot0 },
    { minMinor: 19, check: seccompProfileBaselineV1Dot19 },
  ],
};
