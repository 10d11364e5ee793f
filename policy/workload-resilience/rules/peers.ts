/**
 * Checks Polaris and kube-score have that a platform team expects too: HPAs that can scale, CronJobs that cannot
 * pile up, distinct liveness/readiness probes, ephemeral-storage requests, selectors that select, pull policies that
 * match mutable tags, unique env names. Each walks its object once (a 5,000-container Deployment is 5,000 steps).
 */
import { Finding, ResourceRule, describe } from "../../common/finding";
import { containerFindings, containersOf, kindOf, podSpecOf, podTemplateOf, RUNNING_CONTAINER_FIELDS, selectorMatches } from "../../common/kubernetes";
import { arrayOf, cannotTellYet, containsUnknown, isSet, isUnknown, numberOf, objectOf } from "../../common/unknown";
import { resilience } from "./meta";
import { isHpa, isLongRunning, isPodBearing } from "./model";
import { imagePinned } from "./pods";


export const hpaCanScale: ResourceRule = {
  meta: resilience("WR-10", "hpa-can-scale", "HorizontalPodAutoscalers can scale (minReplicas below maxReplicas)", "medium", "Set maxReplicas above minReplicas, or drop the HPA and set spec.replicas on the workload.", ["kube-score horizontalpodautoscaler-replicas"]),
  types: isHpa,
  check(r) {
    const spec = objectOf(r.props.spec);
    const min = numberOf(spec?.minReplicas) ?? 1;
    const max = numberOf(spec?.maxReplicas);
    if (min === "unknown" || max === "unknown") return [cannotTellYet(describe(r), "spec.minReplicas/maxReplicas", "wr-hpa-can-scale")];
    if (max === undefined || min < max) return [];
    return [{ message: `${describe(r)} has minReplicas ${min} and maxReplicas ${max}, so it never scales; raise maxReplicas above minReplicas.` }];
  },
};

export const cronJobBounded: ResourceRule = {
  meta: resilience("WR-11", "cronjob-deadline-and-concurrency", "CronJobs set startingDeadlineSeconds and concurrencyPolicy", "medium", "Set spec.startingDeadlineSeconds (so missed runs are not replayed after an outage) and spec.concurrencyPolicy Forbid or Replace.", [
    "kube-score cronjob-has-deadline",
  ]),
  types: (t) => kindOf(t) === "CronJob" && t.startsWith("kubernetes:batch/"),
  check(r) {
    const spec = objectOf(r.props.spec);
    if (!spec) return isUnknown(r.props.spec) ? [cannotTellYet(describe(r), "spec", "wr-cronjob-deadline-and-concurrency")] : [];
    const missing = [
      ...(isSet(spec.startingDeadlineSeconds) ? [] : ["spec.startingDeadlineSeconds"]),
      // Allow (the default) lets a slow job overlap with the next run and pile up.
      ...(spec.concurrencyPolicy === "Forbid" || spec.concurrencyPolicy === "Replace" || isUnknown(spec.concurrencyPolicy) ? [] : ["spec.concurrencyPolicy (Forbid or Replace)"]),
    ];
    return missing.length === 0 ? [] : [{ message: `${describe(r)} does not set ${missing.join(" or ")}; set ${missing.join(" and ")}.` }];
  },
};

/** Probe identity as the kubelet sees it (handler and timings), so two probes compare by value. */
const probeKey = (probe: unknown) => JSON.stringify(probe);

export const probesDistinct: ResourceRule = {
  meta: resilience("WR-12", "probes-distinct", "Liveness and readiness probes are not identical", "medium", "Make the liveness probe check only that the process is alive (own endpoint, longer period and threshold) and the readiness probe check that it can serve.", [
    "kube-score pod-probes-identical",
  ]),
  types: isLongRunning,
  check(r) {
    return containerFindings(
      r,
      (container, name, what): Finding | undefined => {
        if (!isSet(container.livenessProbe) || !isSet(container.readinessProbe)) return undefined;
        if (containsUnknown(container.livenessProbe) || containsUnknown(container.readinessProbe)) return cannotTellYet(`${what()} container ${name}`, "livenessProbe/readinessProbe", "wr-probes-distinct");
        return probeKey(container.livenessProbe) === probeKey(container.readinessProbe)
          ? { message: `${what()} container ${name} has identical liveness and readiness probes, so a slow dependency restarts it; give the liveness probe its own check and longer thresholds.` }
          : undefined;
      },
      ["containers"],
    );
  },
};

export const ephemeralStorageRequests: ResourceRule = {
  meta: resilience("WR-13", "ephemeral-storage-requests", "Containers request ephemeral storage", "medium", "Set resources.requests.ephemeral-storage (and a limit) on every container, so the scheduler places pods where disk is free and the kubelet evicts the right one.", [
    "kube-score container-ephemeral-storage-request-and-limit",
  ]),
  types: isPodBearing,
  check(r) {
    return containerFindings(
      r,
      (container, name, what): Finding | undefined => {
        const res = container.resources;
        const requests = isUnknown(res) ? res : objectOf(res)?.requests;
        if (isUnknown(requests)) return cannotTellYet(`${what()} container ${name}`, "resources.requests", "wr-ephemeral-storage-requests");
        return isSet(objectOf(requests)?.["ephemeral-storage"]) ? undefined : { message: `${what()} container ${name} does not request ephemeral-storage; set resources.requests.ephemeral-storage (and limits.ephemeral-storage).` };
      },
      RUNNING_CONTAINER_FIELDS,
    );
  },
};

export const selectorMatchesTemplate: ResourceRule = {
  meta: resilience("WR-14", "selector-matches-template", "Selectors select: workload selectors match their pod template labels, Services select pods", "high", "Make spec.selector.matchLabels a subset of spec.template.metadata.labels (the API server rejects a mismatch at deploy time).", [
    "kube-score deployment-pod-selector-labels-match-template-metadata-labels",
    "kube-score statefulset-pod-selector-labels-match-template-metadata-labels",
  ]),
  types: (t) => isLongRunning(t) || (kindOf(t) === "Job" && t.startsWith("kubernetes:batch/")),
  check(r) {
    const spec = objectOf(r.props.spec);
    const selector = spec?.selector;
    // Jobs generate their selector unless manualSelector is set.
    if (selector === undefined && kindOf(r.type) === "Job") return [];
    const labels = objectOf(podTemplateOf(r)?.metadata.labels) ?? {};
    if (selector === undefined) return spec ? [{ message: `${describe(r)} has no spec.selector; set spec.selector.matchLabels to the pod template's labels.` }] : [];
    const matches = selectorMatches(selector, labels);
    if (matches === undefined) return [cannotTellYet(describe(r), "spec.selector / spec.template.metadata.labels", "wr-selector-matches-template")];
    return matches ? [] : [{ message: `${describe(r)} spec.selector does not match its pod template labels; make spec.selector.matchLabels a subset of spec.template.metadata.labels.` }];
  },
};

export const pullPolicyForMutableTags: ResourceRule = {
  meta: resilience("WR-15", "pull-policy-mutable-tags", "Containers with a mutable image tag pull it every time", "medium", "Pin the image (version tag or digest); while it is mutable, set imagePullPolicy Always so every node runs the same image.", [
    "Polaris pullPolicyNotAlways",
    "kube-score container-image-pull-policy",
  ]),
  types: isPodBearing,
  check(r) {
    return containerFindings(r, (container, name, what): Finding | undefined => {
      const image = container.image;
      if (typeof image !== "string" || isUnknown(image)) return undefined;
      const policy = container.imagePullPolicy;
      // Unset with a mutable tag (latest or none) defaults to Always; IfNotPresent/Never keep whatever a node cached.
      // Whether the tag is mutable is only asked when the pull policy could matter (parsing the image is the cost).
      if (policy === undefined || policy === "Always" || imagePinned(image)) return undefined;
      if (isUnknown(policy)) return cannotTellYet(`${what()} container ${name}`, "imagePullPolicy", "wr-pull-policy-mutable-tags");
      return { message: `${what()} container ${name} runs mutable image ${image} with imagePullPolicy ${String(policy)}, so nodes run different builds; pin the image or set imagePullPolicy Always.` };
    });
  },
};

export const envNamesUnique: ResourceRule = {
  meta: resilience("WR-16", "env-names-unique", "Environment variable names are unique within a container", "medium", "Remove the duplicate env entry; only the last one takes effect, which hides configuration mistakes.", [
    "kube-score environment-variable-key-duplication",
  ]),
  types: isPodBearing,
  check(r) {
    return containersOf(podSpecOf(r)).flatMap(({ container, name }): Finding[] => {
      // One entry cannot repeat a name: no sets to build for most containers.
      if (arrayOf(container.env).length < 2) return [];
      const seen = new Set<string>();
      const duplicates = new Set<string>();
      for (const e of arrayOf(container.env)) {
        const key = objectOf(e)?.name;
        if (typeof key !== "string" || isUnknown(key)) continue;
        if (seen.has(key)) duplicates.add(key);
        seen.add(key);
      }
      return duplicates.size === 0 ? [] : [{ message: `${describe(r)} container ${name} sets env ${[...duplicates].join(", ")} more than once; keep one entry per name.` }];
    });
  },
};
