/**
 * Throughput of the pod-security pack: pods judged per second through the analyzer protocol (the pack in its own
 * process under run-policy-pack, one AnalyzeStack, as `pulumi preview --policy-pack` drives it) and in process
 * (the same pure functions the pack's 20 policies run, without process, gRPC and deserialisation costs).
 */
import * as path from "path";
import { CHECKS } from "../policy/pod-security/checks";
import { advisoryFindings, collectWorkloads, DEFAULT_SETTINGS, enforcementFindings, StackResource } from "../policy/pod-security/stack";
import { startPolicyPack } from "../src/testing/analyzer";

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
  // What the pack does per AnalyzeStack: each of the 19 check policies and the advisory policy collect the workloads.
  const start = process.hrtime.bigint();
  for (const check of CHECKS) enforcementFindings(collectWorkloads(resources, DEFAULT_SETTINGS), check.id);
  advisoryFindings(resources, collectWorkloads(resources, DEFAULT_SETTINGS), DEFAULT_SETTINGS);
  return Number(process.hrtime.bigint() - start) / 1e9;
}

export async function benchPodSecurity(): Promise<{ podsPerSecondProtocol: number; podsPerSecondInProcess: number }> {
  const resources = workloads(PODS);
  inProcess(resources.slice(0, 200)); // warm-up (JIT)
  const inProcessSeconds = Math.min(inProcess(resources), inProcess(resources));

  const pack = await startPolicyPack(PACK_DIR, { stack: { stack: "bench", project: "pss" } });
  try {
    await pack.analyzeStack(resources.slice(0, 200));
    let best = Infinity;
    for (let i = 0; i < 2; i++) {
      const start = process.hrtime.bigint();
      const findings = await pack.analyzeStack(resources);
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
