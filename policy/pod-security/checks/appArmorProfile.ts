import { ALLOWED, CheckDefinition, CheckResult, Fix, Pod } from "../api";
import { containerList, containersOf, joinQuote, obj, pluralize, podSecurityContext, sortedUnique, str } from "./util";

const ANNOTATION_PREFIX = "container.apparmor.security.beta.kubernetes.io/";
const ALLOWED_TYPES = new Set(["RuntimeDefault", "Localhost"]);

function allowedAnnotation(value: string): boolean {
  return value === "" || value === "runtime/default" || value.startsWith("localhost/");
}

/**
 * Upstream has a single revision at 1.0 that reads both channels: the deprecated beta annotations and the
 * `appArmorProfile` fields (added to the 1.0 function when the fields went beta in Kubernetes 1.30). So the field
 * check applies at every pinned version, as it does on a current API server.
 */
function appArmorProfileV1Dot0(pod: Pod): CheckResult {
  const setters: string[] = [];
  const badValues: string[] = [];
  const fixes: Fix[] = [];
  const change = 'set type to "RuntimeDefault" or "Localhost" (or remove appArmorProfile)';

  const podProfile = obj(podSecurityContext(pod)?.appArmorProfile);
  if (podProfile && !ALLOWED_TYPES.has(str(podProfile.type))) {
    setters.push("pod");
    badValues.push(str(podProfile.type));
    fixes.push({ path: "spec.securityContext.appArmorProfile.type", change });
  }
  const badContainers: string[] = [];
  for (const c of containersOf(pod)) {
    const profile = obj(c.securityContext?.appArmorProfile);
    if (profile && !ALLOWED_TYPES.has(str(profile.type))) {
      badContainers.push(c.name);
      badValues.push(str(profile.type));
      fixes.push({ path: `${c.path}.securityContext.appArmorProfile.type`, change });
    }
  }
  if (badContainers.length > 0) setters.push(containerList(badContainers));

  const values = sortedUnique(badValues);
  const annotations: string[] = [];
  for (const [key, value] of Object.entries(obj(pod.metadata.annotations) ?? {})) {
    if (!key.startsWith(ANNOTATION_PREFIX) || allowedAnnotation(str(value))) continue;
    annotations.push(`${key}=${JSON.stringify(str(value))}`);
    fixes.push({ path: `metadata.annotations[${JSON.stringify(key)}]`, change: 'set it to "runtime/default" or "localhost/<profile>", or use securityContext.appArmorProfile' });
  }
  annotations.sort();
  if (annotations.length > 0) setters.push(pluralize("annotation", "annotations", annotations.length));
  if (setters.length === 0) return ALLOWED;
  const all = [...values, ...annotations];
  return {
    allowed: false,
    forbiddenReason: pluralize("forbidden AppArmor profile", "forbidden AppArmor profiles", all.length),
    forbiddenDetail: `${setters.join(" and ")} must not set AppArmor profile type to ${joinQuote(all)}`,
    fixes,
  };
}

export const appArmorProfile: CheckDefinition = {
  id: "appArmorProfile",
  level: "baseline",
  control: "AppArmor",
  severity: "high",
  description: "Pods must not disable or override the default AppArmor profile except with a localhost profile.",
  remediation: 'Use AppArmor profile type "RuntimeDefault" or "Localhost" (annotations: "runtime/default" or "localhost/<name>").',
  versions: [{ minMinor: 0, check: appArmorProfileV1Dot0 }],
};
