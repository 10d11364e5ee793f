/** Pod-level resilience: zone spread, probes, requests/limits, pinned images, preStop vs termination grace. */
import { isPinnedImage } from "../../common/images";
import { Finding, ResourceRule, Subject, describe } from "../../common/finding";
import { containersOf, kindOf, podSpecOf } from "../../common/kubernetes";
import { arrayOf, cannotTellYet, containsUnknown, isSet, isUnknown, mentionsUnknown, numberOf, objectOf } from "../../common/unknown";
import { resilience } from "./meta";
import { isReplicated } from "./model";

const ZONE_KEYS = ["topology.kubernetes.io/zone", "failure-domain.beta.kubernetes.io/zone"];
/** Long-running workloads (Jobs and CronJobs finish: probes and spread matter less). */
const isService = (type: string) => isReplicated(type) || (type.startsWith("kubernetes:apps/") && kindOf(type) === "DaemonSet");

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
    const spread = arrayOf(spec.topologySpreadConstraints).some((c) => ZONE_KEYS.includes(objectOf(c)?.topologyKey as string));
    const anti = objectOf(objectOf(spec.affinity)?.podAntiAffinity);
    const antiZone = [...arrayOf(anti?.requiredDuringSchedulingIgnoredDuringExecution), ...arrayOf(anti?.preferredDuringSchedulingIgnoredDuringExecution).map((p) => objectOf(p)?.podAffinityTerm)].some((t) =>
      ZONE_KEYS.includes(objectOf(t)?.topologyKey as string),
    );
    if (spread || antiZone) return [];
    for (const field of ["topologySpreadConstraints", "affinity"] as const) {
      if (containsUnknown(spec[field])) return [cannotTellYet(describe(r), `spec.template.spec.${field}`, "wr-zone-topology-spread")];
    }
    return [{ message: `${describe(r)} does not spread pods across zones; add a topologySpreadConstraint on topology.kubernetes.io/zone.` }];
  },
};

export const probes: ResourceRule = {
  meta: resilience("WR-6", "probes", "Long-running containers declare readiness and liveness probes", "medium", "Add readinessProbe and livenessProbe to every container of the pod template."),
  types: isService,
  check(r) {
    return containersOf(podSpecOf(r))
      .filter(({ field }) => field === "containers")
      .flatMap(({ container, name }) => {
        const missing = (["readinessProbe", "livenessProbe"] as const).filter((p) => !isSet(container[p]));
        return missing.length === 0 ? [] : [{ message: `${describe(r)} container ${name} has no ${missing.join(" or ")}; add ${missing.join(" and ")}.` }];
      });
  },
};

export const requestsAndLimits: ResourceRule = {
  meta: resilience("WR-7", "resources-requests-limits", "Containers set CPU and memory requests and a memory limit", "medium", "Set resources.requests.cpu, resources.requests.memory and resources.limits.memory on every container."),
  types: (t) => isService(t) || ["Job", "CronJob", "Pod"].includes(kindOf(t) ?? ""),
  check(r) {
    return containersOf(podSpecOf(r))
      .filter(({ field }) => field !== "ephemeralContainers")
      .flatMap(({ container, name }) => {
        if (isUnknown(container.resources)) return [cannotTellYet(`${describe(r)} container ${name}`, "resources", "wr-resources-requests-limits")];
        const res = objectOf(container.resources);
        const missing = [
          ...(["cpu", "memory"] as const).filter((k) => !isSet(objectOf(res?.requests)?.[k]) && !isUnknown(res?.requests)).map((k) => `requests.${k}`),
          ...(!isSet(objectOf(res?.limits)?.memory) && !isUnknown(res?.limits) ? ["limits.memory"] : []),
        ];
        return missing.length === 0 ? [] : [{ message: `${describe(r)} container ${name} does not set resources.${missing.join(", resources.")}; set them so the scheduler and OOM handling are predictable.` }];
      });
  },
};

/** A pinned image names a digest or an explicit tag other than `latest` (the grammar shared with the stacks). */
export const imagePinned = isPinnedImage;

export const pinnedImages: ResourceRule = {
  meta: resilience("WR-8", "pinned-images", "Container images are pinned to a version tag or digest", "medium", "Reference images by digest (@sha256:...) or an immutable version tag, never :latest or no tag."),
  types: (t) => isService(t) || ["Job", "CronJob", "Pod"].includes(kindOf(t) ?? ""),
  check(r) {
    return containersOf(podSpecOf(r)).flatMap(({ container, name }) => {
      const image = container.image;
      if (isUnknown(image) || mentionsUnknown(image)) return [cannotTellYet(`${describe(r)} container ${name}`, "image", "wr-pinned-images")];
      if (typeof image !== "string" || imagePinned(image)) return [];
      return [{ message: `${describe(r)} container ${name} uses unpinned image ${image}; pin it to a version tag or @sha256 digest.` }];
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
  types: isService,
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
