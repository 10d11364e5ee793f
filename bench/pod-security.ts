/**
 * Throughput of the pod-security pack: pods judged per second through the analyzer protocol (the pack in its own
 * process under run-policy-pack, `Analyze` per pod then one `AnalyzeStack`, as `pulumi preview --policy-pack` drives
 * it) and in process (the same pure functions the pack's policies run, without process, gRPC and deserialisation),
 * and the time to judge one very large pod (every check is linear in the size of its object).
 */
import * as path from "path";
import { CHECKS } from "../policy/pod-security/checks";
import { evaluatePod } from "../policy/pod-security/evaluate";
import { advisoryFindings, DEFAULT_SETTINGS, enforcementFindings, namespaceEntry, namespaceKey, StackResource, workloadOf } from "../policy/pod-security/stack";
import { startPolicyPack } from "../src/testing/analyzer";
import { UNKNOWN } from "../src/testing/wire";

const PACK_DIR = path.resolve(__dirname, "../policy/pod-security");
const PODS = 3000;

/** A mix like a real stack: mostly compliant Deployments, one in four with a single violation. */
type BenchResource = StackResource & { readonly props: Record<string, unknown> };

export function workloads(count: number): BenchResource[] {
  const violations: ((spec: any) => void)[] = [
    (s) => (s.containers[0].securityContext.privileged = true),
    (s) => delete s.securityContext.runAsNonRoot,
    (s) => (s.containers[0].securityContext.capabilities.add = ["NET_ADMIN"]),
    (s) => (s.volumes = [{ name: "host", hostPath: { path: "/var/run" } }]),
  ];
  return Array.from({ length: count }, (_, i) => {
    const container = (name: string) => ({
      name,
      image: "registry.k8s.io/pause",
      ports: [{ containerPort: 8080 }],
      readinessProbe: { httpGet: { path: "/healthz", port: 8080 } },
      securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } },
    });
    const spec: any = {
      securityContext: { runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } },
      initContainers: [container("init")],
      containers: [container("app"), container("sidecar")],
      volumes: [{ name: "config", configMap: { name: "cfg" } }, { name: "tmp", emptyDir: {} }],
    };
    if (i % 4 === 0) violations[(i / 4) % violations.length](spec);
    const name = `app-${i}`;
    return {
      type: "kubernetes:apps/v1:Deployment",
      name,
      urn: `urn:pulumi:bench::pss::kubernetes:apps/v1:Deployment::${name}`,
      props: {
        apiVersion: "apps/v1",
        kind: "Deployment",
        metadata: { name, namespace: "apps" },
        spec: { replicas: 2, selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec } },
      },
    };
  });
}

export function inProcess(resources: StackResource[]): number {
  // What the pack does per Analyze: one evaluation of the pod at its namespace's level, shared by the 19 check
  // policies and the advisory policy.
  const start = process.hrtime.bigint();
  const namespaces = new Map<string, StackResource>();
  const lookup = (cluster: string, name: string) => {
    const ns = namespaces.get(namespaceKey(cluster, name));
    return ns ? namespaceEntry(ns, DEFAULT_SETTINGS) : undefined;
  };
  for (const r of resources) {
    if (r.type === "kubernetes:core/v1:Namespace") namespaces.set(namespaceKey("", String((r.props as any).metadata?.name)), r);
    const w = workloadOf(r, DEFAULT_SETTINGS, lookup);
    if (!w) continue;
    for (const check of CHECKS) enforcementFindings([w], check.id);
    advisoryFindings([], [w], DEFAULT_SETTINGS);
  }
  return Number(process.hrtime.bigint() - start) / 1e9;
}

/**
 * Milliseconds to judge one pod with `size` volumes and `size` containers at restricted (best of 3); with
 * `unknownLast`, the last container's securityContext is not known yet (a preview), which routes every check through
 * the unknown-tracking path.
 */
export function largePodMillis(size: number, unknownLast = false): number {
  const container = (i: number) => ({ name: `c${i}`, image: "x", securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } } });
  const pod = {
    metadata: {},
    spec: {
      securityContext: { runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } },
      containers: Array.from({ length: size }, (_, i) => container(i)),
      volumes: Array.from({ length: size }, (_, i) => ({ name: `v${i}`, configMap: { name: "c" } })),
    },
  };
  if (unknownLast) (pod.spec.containers[size - 1] as Record<string, unknown>).securityContext = UNKNOWN;
  let best = Infinity;
  for (let i = 0; i < 3; i++) {
    const start = process.hrtime.bigint();
    evaluatePod(pod, { level: "restricted", version: "latest" });
    best = Math.min(best, Number(process.hrtime.bigint() - start) / 1e6);
  }
  return Math.round(best);
}

export async function benchPodSecurity(): Promise<{ podsPerSecondProtocol: number; podsPerSecondInProcess: number }> {
  const resources = workloads(PODS);
  inProcess(resources.slice(0, 200)); // warm-up (JIT)
  const inProcessSeconds = Math.min(inProcess(resources), inProcess(resources));

  const pack = await startPolicyPack(PACK_DIR, { stack: { stack: "bench", project: "pss" } });
  try {
    await pack.analyzeDeployment(resources.slice(0, 200));
    let best = Infinity;
    for (let i = 0; i < 2; i++) {
      const start = process.hrtime.bigint();
      const findings = await pack.analyzeDeployment(resources);
      best = Math.min(best, Number(process.hrtime.bigint() - start) / 1e9);
      if (findings.length !== PODS / 4) throw new Error(`bench: expected ${PODS / 4} findings, got ${findings.length}`);
    }
    return { podsPerSecondProtocol: Math.round(PODS / best), podsPerSecondInProcess: Math.round(PODS / inProcessSeconds) };
  } finally {
    await pack.close();
  }
}

if (require.main === module) {
  benchPodSecurity().then((r) => console.log(JSON.stringify(r)));
}
