/**
 * The section checks of `haServiceProblems` (haServiceValidation.ts): each `check<Thing>(p, args, …)` records
 * the problems of one group of {@link HaServiceArgs} fields into the caller's collector, in the order the problems are
 * reported. Each rule exists because the API server would accept the value and the service would then fail under load,
 * during a drain, or at 3 a.m.
 */
import { parseCidr } from "../network/cidr";
import { environmentProfile } from "../shared/environment";
import { checkInteger, checkOneOf, checkOptionalBoolean, checkOptionalObject, isRecord, listField, Problems } from "../shared/validation";
import { AutoscalingArgs, HA_SERVICE_DEFAULTS, HaServiceArgs, ProbeArgs, WorkloadKind } from "./haServiceArgs";
import {
  isDns1035Label,
  isDns1123Label,
  isEnvVarName,
  isLabelKey,
  isLabelValue,
  isPinnedImage,
  parseCpu,
  parseMemory,
  SECRET_LOOKING_NAME,
} from "./names";

/** Highest replica count we accept: beyond this a service should be split, and the HPA max is a blast radius. */
export const MAX_REPLICAS = 100;
/** StatefulSet names end up in `controller-revision-hash` labels (`<name>-<10-char hash>`) limited to 63. */
export const MAX_STATEFULSET_NAME = 52;
const ZONE_NAME = /^[a-z]{2}(-gov)?-[a-z]+-\d[a-z]$/;

/** appName (or the component name standing in for it), namespace and environment. */
export function checkIdentity(p: Problems, args: HaServiceArgs, kind: WorkloadKind, appName: unknown): void {
  const appNameProperty = args.appName === undefined ? "name (component name, used as appName)" : "appName";
  p.check(isDns1035Label(appName), {
    property: appNameProperty,
    value: appName,
    rule: "a DNS-1035 label: at most 63 characters, lower-case letters, digits and '-', starting with a letter",
    fix: `set appName to a short name such as "checkout"`,
  });
  if (kind === WorkloadKind.StatefulSet && typeof appName === "string") {
    p.check(appName.length <= MAX_STATEFULSET_NAME, {
      property: appNameProperty,
      value: appName,
      rule: `at most ${MAX_STATEFULSET_NAME} characters for a StatefulSet (its revision-hash label adds 11)`,
      fix: `shorten appName to ${MAX_STATEFULSET_NAME} characters or fewer`,
    });
  }
  p.check(isDns1123Label(args.namespace), {
    property: "namespace",
    value: args.namespace,
    rule: "a DNS-1123 label of at most 63 characters",
    fix: "set namespace to the tenant's namespace name, e.g. \"payments\"",
  });
  p.check(typeof args.environment === "string" && args.environment.length > 0, {
    property: "environment",
    value: args.environment,
    rule: 'a non-empty environment name ("prod" enables the strict rules)',
    fix: 'pass the stack\'s environment, e.g. "prod" or "dev"',
  });
}

/** The container: pinned image, unprivileged port, workload kind and non-root UID. */
export function checkContainer(p: Problems, args: HaServiceArgs): void {
  p.check(isPinnedImage(args.image), {
    property: "image",
    value: args.image,
    rule: "an image pinned by a tag other than latest, or by an @sha256: digest",
    fix: 'pin the image, e.g. "ghcr.io/acme/checkout:1.4.2" or "...@sha256:<64 hex>"',
  });
  checkInteger(p, "port", args.port, 1024, 65535, "use an unprivileged port such as 8080 (the container drops NET_BIND_SERVICE)");
  if (args.kind !== undefined) checkOneOf(p, "kind", args.kind, Object.values(WorkloadKind));
  if (args.runAsUser !== undefined) {
    checkInteger(p, "runAsUser", args.runAsUser, 1, 2 ** 31 - 1, "set runAsUser to a non-zero UID such as 10001 (0 is root)");
  }
}

/**
 * Replicas, fixed or autoscaled. Returns the replica floor the PDB and the prod rules are checked against, undefined
 * when the minimum itself is invalid.
 */
export function checkedReplicaFloor(p: Problems, args: HaServiceArgs, prod: boolean): number | undefined {
  if (args.autoscaling !== false) return checkedAutoscalingFloor(p, args, args.autoscaling, prod);
  const replicas = args.replicas ?? HA_SERVICE_DEFAULTS.replicas;
  const minimum = environmentProfile(args.environment).minReplicas;
  if (checkInteger(p, "replicas", replicas, minimum, MAX_REPLICAS, minimum > 1 ? `run at least ${minimum} replicas in ${args.environment} so one node or zone failure is survivable` : undefined)) {
    return replicas;
  }
  return undefined;
}

/** The HorizontalPodAutoscaler's bounds and targets; returns autoscaling.minReplicas when it is valid. */
function checkedAutoscalingFloor(p: Problems, args: HaServiceArgs, autoscaling: AutoscalingArgs | undefined, prod: boolean): number | undefined {
  p.check(args.replicas === undefined, {
    property: "replicas",
    value: args.replicas,
    rule: "unset while the HorizontalPodAutoscaler owns the replica count",
    fix: "set autoscaling.minReplicas instead, or pass autoscaling: false for a fixed count",
  });
  const min = autoscaling?.minReplicas ?? HA_SERVICE_DEFAULTS.minReplicas;
  const max = autoscaling?.maxReplicas ?? HA_SERVICE_DEFAULTS.maxReplicas;
  const minOk = checkInteger(
    p,
    "autoscaling.minReplicas",
    min,
    environmentProfile(args.environment).minReplicas,
    MAX_REPLICAS,
    prod ? `set autoscaling.minReplicas to ${environmentProfile(args.environment).minReplicas} or more in prod (one per zone)` : undefined,
  );
  const maxOk = checkInteger(p, "autoscaling.maxReplicas", max, 1, MAX_REPLICAS, `set autoscaling.maxReplicas to at most ${MAX_REPLICAS}`);
  if (minOk && maxOk) {
    p.check(max >= min, {
      property: "autoscaling.maxReplicas",
      value: max,
      rule: `at least autoscaling.minReplicas (${min})`,
      fix: `raise autoscaling.maxReplicas to ${min} or more, or lower minReplicas`,
    });
  }
  if (autoscaling?.cpuUtilization !== undefined) checkInteger(p, "autoscaling.cpuUtilization", autoscaling.cpuUtilization, 10, 100);
  if (autoscaling?.memoryUtilization !== undefined) checkInteger(p, "autoscaling.memoryUtilization", autoscaling.memoryUtilization, 10, 100);
  return minOk ? min : undefined;
}

/** PodDisruptionBudget: a budget that allows no disruption blocks every node drain and cluster upgrade. */
export function checkDisruptionBudget(p: Problems, args: HaServiceArgs, floor: number | undefined): void {
  const pdb = args.pdb ?? {};
  const hasMin = pdb.minAvailable !== undefined;
  const hasMax = pdb.maxUnavailable !== undefined;
  p.check(!(hasMin && hasMax), {
    property: "pdb",
    value: pdb,
    rule: "at most one of minAvailable and maxUnavailable",
    fix: "keep only pdb.maxUnavailable (recommended) or only pdb.minAvailable",
  });
  if (hasMin && checkInteger(p, "pdb.minAvailable", pdb.minAvailable, 1, MAX_REPLICAS) && floor !== undefined) {
    p.check((pdb.minAvailable as number) < floor, {
      property: "pdb.minAvailable",
      value: pdb.minAvailable,
      rule: `less than the replica floor (${floor}) so that at least one pod may be evicted`,
      fix: `set pdb.minAvailable to ${floor - 1} or less, or raise the minimum replica count`,
    });
  }
  if (hasMax && checkInteger(p, "pdb.maxUnavailable", pdb.maxUnavailable, 1, MAX_REPLICAS, "set pdb.maxUnavailable to 1 or more so a node drain can proceed") && floor !== undefined) {
    p.check((pdb.maxUnavailable as number) <= Math.max(1, floor - 1), {
      property: "pdb.maxUnavailable",
      value: pdb.maxUnavailable,
      rule: `less than the replica floor (${floor}), otherwise the budget protects nothing`,
      fix: `set pdb.maxUnavailable to ${Math.max(1, floor - 1)} or less`,
    });
  }
}

/** Resources: malformed quantities are a 422 at apply; requests above limits are rejected by the API server. */
export function checkResources(p: Problems, args: HaServiceArgs): void {
  const requests = args.resources?.requests ?? {};
  const limits = args.resources?.limits ?? {};
  const cpu = { request: requests.cpu ?? HA_SERVICE_DEFAULTS.requests.cpu, limit: limits.cpu ?? HA_SERVICE_DEFAULTS.limits.cpu };
  const mem = { request: requests.memory ?? HA_SERVICE_DEFAULTS.requests.memory, limit: limits.memory ?? HA_SERVICE_DEFAULTS.limits.memory };
  const cpuRequest = parseCpu(cpu.request);
  const cpuLimit = parseCpu(cpu.limit);
  const memRequest = parseMemory(mem.request);
  const memLimit = parseMemory(mem.limit);
  const cpuRule = 'a CPU quantity such as "250m" or "1"';
  const memRule = 'a memory quantity such as "256Mi" or "1Gi"';
  p.check(cpuRequest !== undefined && cpuRequest > 0, { property: "resources.requests.cpu", value: cpu.request, rule: cpuRule, fix: 'set resources.requests.cpu, e.g. "250m"' });
  p.check(cpuLimit !== undefined && cpuLimit > 0, { property: "resources.limits.cpu", value: cpu.limit, rule: cpuRule, fix: 'set resources.limits.cpu, e.g. "1"' });
  p.check(memRequest !== undefined && memRequest > 0, { property: "resources.requests.memory", value: mem.request, rule: memRule, fix: 'set resources.requests.memory, e.g. "256Mi"' });
  p.check(memLimit !== undefined && memLimit > 0, { property: "resources.limits.memory", value: mem.limit, rule: memRule, fix: 'set resources.limits.memory, e.g. "512Mi"' });
  if (cpuRequest !== undefined && cpuLimit !== undefined) {
    p.check(cpuRequest <= cpuLimit, {
      property: "resources.requests.cpu",
      value: cpu.request,
      rule: `at most resources.limits.cpu (${cpu.limit})`,
      fix: "lower the CPU request or raise the CPU limit",
    });
  }
  if (memRequest !== undefined && memLimit !== undefined) {
    p.check(memRequest <= memLimit, {
      property: "resources.requests.memory",
      value: mem.request,
      rule: `at most resources.limits.memory (${mem.limit})`,
      fix: "lower the memory request or raise the memory limit",
    });
  }
}

/** Probes: without readiness a rollout sends traffic to pods that are not up; without liveness a hung pod stays. */
export function checkProbes(p: Problems, args: HaServiceArgs, prod: boolean): void {
  const probes = args.probes ?? {};
  if (prod) {
    for (const which of ["liveness", "readiness"] as const) {
      p.check(probes[which] !== undefined, {
        property: `probes.${which}`,
        value: probes[which],
        rule: "a probe (required in prod)",
        fix: `set probes.${which} to { httpPath: "/healthz" } or { tcp: true }`,
      });
    }
  }
  checkProbe(p, "probes.liveness", probes.liveness);
  checkProbe(p, "probes.readiness", probes.readiness);
  checkProbe(p, "probes.startup", probes.startup);
}

/** One probe: exactly one handler, an absolute HTTP path, and timings in range. */
function checkProbe(p: Problems, property: string, probe: ProbeArgs | undefined): void {
  if (probe === undefined) return;
  // null or a non-object (YAML `liveness:` with no value) is a problem, never a TypeError further down.
  if (!p.check(isRecord(probe), { property, value: probe, rule: "a probe object", fix: `set ${property} to { httpPath: "/healthz" } or { tcp: true }, or leave it out` })) return;
  const hasHttp = probe.httpPath !== undefined;
  const hasTcp = probe.tcp === true;
  p.check(hasHttp !== hasTcp, {
    property,
    value: probe,
    rule: "exactly one of httpPath or tcp: true",
    fix: `set ${property}.httpPath (e.g. "/healthz") or ${property}.tcp = true`,
  });
  if (hasHttp) {
    p.check(typeof probe.httpPath === "string" && probe.httpPath.startsWith("/"), {
      property: `${property}.httpPath`,
      value: probe.httpPath,
      rule: "an absolute path starting with /",
      fix: `set ${property}.httpPath to a path like "/healthz"`,
    });
  }
  if (probe.port !== undefined) checkInteger(p, `${property}.port`, probe.port, 1, 65535);
  if (probe.initialDelaySeconds !== undefined) checkInteger(p, `${property}.initialDelaySeconds`, probe.initialDelaySeconds, 0, 600);
  if (probe.periodSeconds !== undefined) checkInteger(p, `${property}.periodSeconds`, probe.periodSeconds, 1, 300);
  if (probe.timeoutSeconds !== undefined) checkInteger(p, `${property}.timeoutSeconds`, probe.timeoutSeconds, 1, 60);
  if (probe.failureThreshold !== undefined) checkInteger(p, `${property}.failureThreshold`, probe.failureThreshold, 1, 100);
}

/** Draining: preStop must end before SIGKILL, with time left for the app's own shutdown. */
export function checkDraining(p: Problems, args: HaServiceArgs): void {
  const grace = args.terminationGracePeriodSeconds ?? HA_SERVICE_DEFAULTS.terminationGracePeriodSeconds;
  const preStop = args.preStopSleepSeconds ?? HA_SERVICE_DEFAULTS.preStopSleepSeconds;
  const graceOk = checkInteger(p, "terminationGracePeriodSeconds", grace, 1, 3600);
  const preStopOk = checkInteger(p, "preStopSleepSeconds", preStop, 0, 3600);
  if (graceOk && preStopOk) {
    p.check(preStop < grace, {
      property: "preStopSleepSeconds",
      value: preStop,
      rule: `less than terminationGracePeriodSeconds (${grace}), leaving time for the app to shut down after the sleep`,
      fix: `lower preStopSleepSeconds below ${grace} or raise terminationGracePeriodSeconds above ${preStop}`,
    });
  }
}

/** allowedCallers: each caller's namespace and pod labels, as the NetworkPolicy will select them. */
export function checkCallers(p: Problems, args: HaServiceArgs): void {
  listField(p, "allowedCallers", args.allowedCallers).forEach((caller, i) => {
    checkOptionalObject(p, `allowedCallers[${i}].podLabels`, caller?.podLabels, "of pod labels { key: value }");
    p.check(isDns1123Label(caller?.namespace), {
      property: `allowedCallers[${i}].namespace`,
      value: caller?.namespace,
      rule: "a namespace name (DNS-1123 label)",
      fix: "set the calling workload's namespace",
    });
    for (const [key, value] of Object.entries(caller?.podLabels ?? {})) {
      p.check(isLabelKey(key) && isLabelValue(value), {
        property: `allowedCallers[${i}].podLabels.${key}`,
        value,
        rule: "a valid Kubernetes label key and value (value ≤ 63 alphanumerics, '-', '_', '.')",
        fix: "use the calling pods' actual labels, e.g. { \"app.kubernetes.io/name\": \"frontend\" }",
      });
    }
  });
}

/** expose: where traffic from outside the namespace may come from (load balancer CIDRs, ingress controller). */
export function checkExposure(p: Problems, args: HaServiceArgs): void {
  if (args.expose !== undefined) {
    const cidrs = args.expose.loadBalancerCidrs ?? [];
    p.check(cidrs.length > 0 || args.expose.ingressControllerNamespace !== undefined, {
      property: "expose",
      value: args.expose,
      rule: "at least one of loadBalancerCidrs or ingressControllerNamespace",
      fix: "set expose.loadBalancerCidrs to the load balancer subnets' CIDRs, or expose.ingressControllerNamespace",
    });
    cidrs.forEach((cidr, i) =>
      p.check(parseCidr(cidr) !== undefined, {
        property: `expose.loadBalancerCidrs[${i}]`,
        value: cidr,
        rule: "an IPv4 CIDR such as 10.0.0.0/20",
        fix: "use the subnet CIDRs the load balancer is placed in",
      }),
    );
    if (args.expose.ingressControllerNamespace !== undefined) {
      p.check(isDns1123Label(args.expose.ingressControllerNamespace), {
        property: "expose.ingressControllerNamespace",
        value: args.expose.ingressControllerNamespace,
        rule: "a namespace name (DNS-1123 label)",
        fix: 'set the ingress controller\'s namespace, e.g. "ingress-nginx"',
      });
    }
  }
}

/** env: no secret value may travel through args (it would sit in plain state and manifests). */
export function checkEnv(p: Problems, args: HaServiceArgs): void {
  for (const [key, value] of Object.entries(args.env ?? {})) {
    p.check(isEnvVarName(key), { property: `env.${key}`, value: key, rule: "a valid environment variable name", fix: "use letters, digits, '_', '-', '.'" });
    p.check(!SECRET_LOOKING_NAME.test(key), {
      property: `env.${key}`,
      value: "(value not shown)",
      rule: "a non-secret value; names like PASSWORD, TOKEN, SECRET, API_KEY must not be passed in plain text",
      fix: `move ${key} to secretEnv ({ name: "${key}", secretName, key }) or secretFiles`,
    });
    p.check(typeof value === "string", { property: `env.${key}`, value: typeof value, rule: "a string", fix: "quote the value" });
  }
}

/** secretEnv: names not clashing with env, and the Secret and key each one reads. */
export function checkSecretEnv(p: Problems, args: HaServiceArgs): void {
  const envNames = new Set(Object.keys(args.env ?? {}));
  listField(p, "secretEnv", args.secretEnv).forEach((s, i) => {
    p.check(isEnvVarName(s?.name), { property: `secretEnv[${i}].name`, value: s?.name, rule: "a valid environment variable name", fix: "use letters, digits, '_'" });
    p.check(!envNames.has(s?.name), {
      property: `secretEnv[${i}].name`,
      value: s?.name,
      rule: "a name not also set in env",
      fix: `remove ${s?.name} from env or from secretEnv`,
    });
    p.check(isDns1123Label(s?.secretName) || (typeof s?.secretName === "string" && /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(s.secretName)), {
      property: `secretEnv[${i}].secretName`,
      value: s?.secretName,
      rule: "the name of a Secret in the namespace",
      fix: "set the Secret's name (e.g. the one External Secrets creates)",
    });
    p.check(typeof s?.key === "string" && s.key.length > 0, { property: `secretEnv[${i}].key`, value: s?.key, rule: "a key of the Secret", fix: "set the Secret key to read" });
  });
}

/** secretFiles: the Secret each mounts and a distinct absolute directory for it. */
export function checkSecretFiles(p: Problems, args: HaServiceArgs): void {
  const mountPaths = new Set<string>();
  listField(p, "secretFiles", args.secretFiles).forEach((f, i) => {
    p.check(typeof f?.secretName === "string" && /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(f.secretName), {
      property: `secretFiles[${i}].secretName`,
      value: f?.secretName,
      rule: "the name of a Secret in the namespace",
      fix: "set the Secret's name",
    });
    const path = f?.mountPath;
    p.check(typeof path === "string" && path.startsWith("/") && path !== "/" && path !== "/tmp" && !mountPaths.has(path), {
      property: `secretFiles[${i}].mountPath`,
      value: path,
      rule: "an absolute directory other than / and /tmp, used once",
      fix: 'mount each secret at its own directory, e.g. "/etc/secrets/db"',
    });
    if (typeof path === "string") mountPaths.add(path);
  });
}

/** Optional object fields (autoscaling, pdb, resources, env, serviceAccount) are objects when set; partOf is a label value. */
export function checkShapes(p: Problems, args: HaServiceArgs): void {
  if (args.autoscaling !== false) checkOptionalObject(p, "autoscaling", args.autoscaling, "{ minReplicas, maxReplicas, ... }, or false for a fixed replica count");
  checkOptionalObject(p, "pdb", args.pdb, "{ minAvailable } or { maxUnavailable }");
  if (checkOptionalObject(p, "resources", args.resources, "{ requests, limits }") && isRecord(args.resources)) {
    for (const key of ["requests", "limits"] as const) checkOptionalObject(p, `resources.${key}`, args.resources[key], "{ cpu, memory }");
  }
  checkOptionalObject(p, "env", args.env, "of environment variables { NAME: value }");
  if (checkOptionalObject(p, "serviceAccount", args.serviceAccount, "{ name?, annotations?, automountToken? }") && isRecord(args.serviceAccount)) {
    checkOptionalBoolean(p, "serviceAccount.automountToken", args.serviceAccount.automountToken);
  }
  if (args.partOf !== undefined) {
    p.check(isLabelValue(args.partOf) && args.partOf !== "", { property: "partOf", value: args.partOf, rule: "a label value (the app.kubernetes.io/part-of label)", fix: 'name the application the service belongs to, e.g. "shop"' });
  }
}

/** serviceAccount.name, when one is given. */
export function checkServiceAccount(p: Problems, args: HaServiceArgs): void {
  if (args.serviceAccount?.name === undefined) return;
  p.check(isDns1123Label(args.serviceAccount.name), {
    property: "serviceAccount.name",
    value: args.serviceAccount.name,
    rule: "a DNS-1123 label of at most 63 characters",
    fix: "use lower-case letters, digits and '-'",
  });
}

/** zones: enough of them for the environment, zone names (not ids), each once. */
export function checkZones(p: Problems, args: HaServiceArgs, prod: boolean): void {
  if (args.zones === undefined) return;
  if (!p.check(Array.isArray(args.zones), { property: "zones", value: args.zones, rule: "a list of zone names", fix: "list the zones the cluster's nodes run in, or leave zones unset" })) return;
  p.check(args.zones.length >= (prod ? 2 : 1), {
    property: "zones",
    value: args.zones,
    rule: prod ? "at least 2 zones in prod" : "at least 1 zone",
    fix: "list the zones the cluster's nodes run in, or leave zones unset",
  });
  args.zones.forEach((zone, i) =>
    p.check(typeof zone === "string" && ZONE_NAME.test(zone), {
      property: `zones[${i}]`,
      value: zone,
      rule: "an availability zone name such as us-east-1a",
      fix: "use zone names, not zone ids (use1-az1)",
    }),
  );
  p.check(new Set(args.zones).size === args.zones.length, { property: "zones", value: args.zones, rule: "no duplicates", fix: "list each zone once" });
}
