/** Pod-level resilience: zone spread, probes, requests/limits, pinned images, preStop vs termination grace. */
import { isPinnedImage } from "../../common/images";
import { Finding, ResourceRule, Subject, describe } from "../../common/finding";
import { containerFindings, containersOf, podSpecOf, RUNNING_CONTAINER_FIELDS } from "../../common/kubernetes";
import { arrayOf, cannotTellYet, containsUnknown, isSet, isUnknown, mentionsUnknown, numberOf, objectOf } from "../../common/unknown";
import { resilience } from "./meta";
import { isLongRunning, isPodBearing, isReplicated } from "./model";

const ZONE_KEYS = ["topology.kubernetes.io/zone", "failure-domain.beta.kubernetes.io/zone"];

/** True for a spread constraint or affinity term keyed on zones. */
const onZones = (term: unknown): boolean => ZONE_KEYS.includes(objectOf(term)?.topologyKey as string);

/** "Cannot tell yet" when the pod template itself is unknown at preview; nothing when the object has none. */
export function podSpecUnknown(r: Subject, policy: string): Finding[] {
  const spec = r.props.spec;
  return isUnknown(spec) || containsUnknown(objectOf(spec)?.template) ? [cannotTellYet(describe(r), "spec.template", policy)] : [];
}

export const zoneSpread: ResourceRule = {
  meta: resilience(
    "WR-5",
    "zone-topology-spread",
    "Replicated workloads spread their pods across availability zones",
    "high",
    "Add a topologySpreadConstraint with topologyKey topology.kubernetes.io/zone (maxSkew 1) to the pod template.",
  ),
  types: isReplicated,
  check(r) {
    const spec = podSpecOf(r);
    if (!spec) return podSpecUnknown(r, "wr-zone-topology-spread");
    const spread = arrayOf(spec.topologySpreadConstraints).some(onZones);
    const anti = objectOf(objectOf(spec.affinity)?.podAntiAffinity);
    const antiZone =
      arrayOf(anti?.requiredDuringSchedulingIgnoredDuringExecution).some(onZones) ||
      arrayOf(anti?.preferredDuringSchedulingIgnoredDuringExecution).some((p) => onZones(objectOf(p)?.podAffinityTerm));
    if (spread || antiZone) return [];
    for (const field of ["topologySpreadConstraints", "affinity"] as const) {
      if (containsUnknown(spec[field])) return [cannotTellYet(describe(r), `spec.template.spec.${field}`, "wr-zone-topology-spread")];
    }
    return [{ message: `${describe(r)} does not spread pods across zones; add a topologySpreadConstraint on topology.kubernetes.io/zone.` }];
  },
};

export const probes: ResourceRule = {
  meta: resilience("WR-6", "probes", "Long-running containers declare readiness and liveness probes", "medium", "Add readinessProbe and livenessProbe to every container of the pod template."),
  types: isLongRunning,
  check(r) {
    return containerFindings(
      r,
      (container, name, what) => {
        const readiness = isSet(container.readinessProbe);
        const liveness = isSet(container.livenessProbe);
        if (readiness && liveness) return undefined;
        const missing = readiness ? ["livenessProbe"] : liveness ? ["readinessProbe"] : ["readinessProbe", "livenessProbe"];
        return { message: `${what()} container ${name} has no ${missing.join(" or ")}; add ${missing.join(" and ")}.` };
      },
      ["containers"],
    );
  },
};

/** The requests and limits a container leaves unset, as `requests.cpu`…; unknown maps count as set. */
function missingResources(resources: unknown): string[] {
  const res = objectOf(resources);
  const missing: string[] = [];
  const requests = objectOf(res?.requests);
  const requestsKnown = !isUnknown(res?.requests);
  if (!isSet(requests?.cpu) && requestsKnown) missing.push("requests.cpu");
  if (!isSet(requests?.memory) && requestsKnown) missing.push("requests.memory");
  if (!isSet(objectOf(res?.limits)?.memory) && !isUnknown(res?.limits)) missing.push("limits.memory");
  return missing;
}

export const requestsAndLimits: ResourceRule = {
  meta: resilience("WR-7", "resources-requests-limits", "Containers set CPU and memory requests and a memory limit", "medium", "Set resources.requests.cpu, resources.requests.memory and resources.limits.memory on every container."),
  types: isPodBearing,
  check(r) {
    return containerFindings(
      r,
      (container, name, what) => {
        if (isUnknown(container.resources)) return cannotTellYet(`${what()} container ${name}`, "resources", "wr-resources-requests-limits");
        const missing = missingResources(container.resources);
        return missing.length === 0 ? undefined : { message: `${what()} container ${name} does not set resources.${missing.join(", resources.")}; set them so the scheduler and OOM handling are predictable.` };
      },
      RUNNING_CONTAINER_FIELDS,
    );
  },
};

/** A pinned image names a digest or an explicit tag other than `latest` (the grammar shared with the stacks). */
export const imagePinned = isPinnedImage;

export const pinnedImages: ResourceRule = {
  meta: resilience("WR-8", "pinned-images", "Container images are pinned to a version tag or digest", "medium", "Reference images by digest (@sha256:...) or an immutable version tag, never :latest or no tag."),
  types: isPodBearing,
  check(r) {
    return containerFindings(r, (container, name, what) => {
      const image = container.image;
      if (isUnknown(image) || mentionsUnknown(image)) return cannotTellYet(`${what()} container ${name}`, "image", "wr-pinned-images");
      if (typeof image !== "string" || imagePinned(image)) return undefined;
      return { message: `${what()} container ${name} uses unpinned image ${image}; pin it to a version tag or @sha256 digest.` };
    });
  },
};

/** Seconds a preStop hook waits: `sleep.seconds`, or `sleep N` in an exec command; undefined when not a sleep. */
export function preStopSeconds(container: Record<string, unknown>): number | undefined {
  const preStop = objectOf(objectOf(container.lifecycle)?.preStop);
  if (!preStop) return undefined;
  const sleep = numberOf(objectOf(preStop.sleep)?.seconds);
  if (typeof sleep === "number") return sleep;
  const command = arrayOf(objectOf(preStop.exec)?.command).filter((c): c is string => typeof c === "string").join(" ");
  const m = /\bsleep\s+(\d+)/.exec(command);
  return m ? Number(m[1]) : undefined;
}

export const preStopWithinGrace: ResourceRule = {
  meta: resilience(
    "WR-9",
    "prestop-within-termination-grace",
    "preStop hooks finish well within terminationGracePeriodSeconds",
    "medium",
    "Make terminationGracePeriodSeconds exceed the preStop delay plus the application's shutdown time (default grace is 30s).",
  ),
  types: isLongRunning,
  check(r) {
    const spec = podSpecOf(r);
    if (!spec) return [];
    const grace = numberOf(spec.terminationGracePeriodSeconds);
    if (grace === "unknown") return containersOf(spec).some(({ container }) => preStopSeconds(container) !== undefined) ? [cannotTellYet(describe(r), "spec.template.spec.terminationGracePeriodSeconds", "wr-prestop-within-termination-grace")] : [];
    const period = grace ?? 30;
    return containersOf(spec)
      .filter(({ field }) => field === "containers")
      .flatMap(({ container, name }) => {
        const wait = preStopSeconds(container);
        if (wait === undefined || wait < period) return [];
        return [{ message: `${describe(r)} container ${name} preStop waits ${wait}s but terminationGracePeriodSeconds is ${period}s; raise terminationGracePeriodSeconds above ${wait}s plus shutdown time.` }];
      });
  },
};
