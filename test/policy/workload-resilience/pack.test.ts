/**
 * workload-resilience over the analyzer protocol: compliant baseline, one change per row, exactly the expected
 * policies fire; prod thresholds come from the pack's config/prod.json.
 */
import * as fs from "fs";
import * as path from "path";
import type { AnalyzerResource, PolicyPackClient } from "../../../src/testing/analyzer";
import { startPolicyPack } from "../../../src/testing/analyzer";
import { analyzeAll, clone, packDir, res, oneChangeCases, OneChangeCase } from "../common/packs";
import { packContract } from "../common/contract";
import { RULES } from "../../../policy/workload-resilience/rules";
import { INVENTORY } from "../../../policy/workload-resilience/inventory";

const T = {
  Deployment: "kubernetes:apps/v1:Deployment",
  StatefulSet: "kubernetes:apps/v1:StatefulSet",
  Hpa: "kubernetes:autoscaling/v2:HorizontalPodAutoscaler",
  Pdb: "kubernetes:policy/v1:PodDisruptionBudget",
  Service: "kubernetes:core/v1:Service",
  CronJob: "kubernetes:batch/v1:CronJob",
  LegacyCronJob: "kubernetes:batch/v1beta1:CronJob",
} as const;

const pod = (app: string) => ({
  metadata: { labels: { app } },
  spec: {
    terminationGracePeriodSeconds: 45,
    topologySpreadConstraints: [{ maxSkew: 1, topologyKey: "topology.kubernetes.io/zone", whenUnsatisfiable: "DoNotSchedule", labelSelector: { matchLabels: { app } } }],
    containers: [
      {
        name: app,
        image: `registry.example.com/${app}@sha256:${"a".repeat(64)}`,
        readinessProbe: { httpGet: { path: "/ready", port: 8080 } },
        livenessProbe: { httpGet: { path: "/live", port: 8080 } },
        resources: { requests: { cpu: "100m", memory: "128Mi", "ephemeral-storage": "256Mi" }, limits: { memory: "256Mi", "ephemeral-storage": "1Gi" } },
        lifecycle: { preStop: { sleep: { seconds: 10 } } },
      },
    ],
  },
});

function baseline(): AnalyzerResource[] {
  return [
    res(T.Deployment, "api", { metadata: { name: "api", namespace: "shop" }, spec: { selector: { matchLabels: { app: "api" } }, template: pod("api") } }),
    res(T.Hpa, "api", { metadata: { name: "api", namespace: "shop" }, spec: { scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "api" }, minReplicas: 3, maxReplicas: 10 } }),
    res(T.Pdb, "api", { metadata: { name: "api", namespace: "shop" }, spec: { maxUnavailable: 1, selector: { matchLabels: { app: "api" } } } }),
    res(T.StatefulSet, "queue", { metadata: { name: "queue", namespace: "shop" }, spec: { replicas: 3, serviceName: "queue", selector: { matchLabels: { app: "queue" } }, template: pod("queue") } }),
    res(T.Pdb, "queue", { metadata: { name: "queue", namespace: "shop" }, spec: { minAvailable: 2, selector: { matchLabels: { app: "queue" } } } }),
    res(T.Service, "api", { metadata: { name: "api", namespace: "shop" }, spec: { selector: { app: "api" }, ports: [{ port: 80, targetPort: 8080 }] } }),
    res(T.CronJob, "report", {
      metadata: { name: "report", namespace: "shop" },
      spec: { schedule: "@daily", startingDeadlineSeconds: 300, concurrencyPolicy: "Forbid", jobTemplate: { spec: { template: { spec: { restartPolicy: "OnFailure", containers: pod("report").spec.containers.map(({ name, image, resources }) => ({ name, image, resources })) } } } } },
    }),
  ];
}

const U = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

const find = (rs: AnalyzerResource[], type: string, name: string): any => {
  const r = rs.find((x) => x.type === type && x.name === name);
  if (!r) throw new Error(`no ${type} ${name}`);
  return r;
};
const remove = (rs: AnalyzerResource[], type: string, name: string) => rs.splice(rs.indexOf(find(rs, type, name)), 1);
const apiPod = (rs: AnalyzerResource[]) => find(rs, T.Deployment, "api").props.spec.template.spec;
const apiContainer = (rs: AnalyzerResource[]) => apiPod(rs).containers[0];

const CASES: OneChangeCase[] = [
  ["HPA minimum of 1", (rs) => (find(rs, T.Hpa, "api").props.spec.minReplicas = 1), ["wr-replicas-minimum"]],
  ["HPA minimum defaulted", (rs) => delete find(rs, T.Hpa, "api").props.spec.minReplicas, ["wr-replicas-minimum"]],
  ["single replica without HPA", (rs) => (find(rs, T.StatefulSet, "queue").props.spec.replicas = 1), ["wr-pdb-allows-disruption", "wr-replicas-minimum"]],
  ["fixed replicas next to an HPA", (rs) => (find(rs, T.Deployment, "api").props.spec.replicas = 3), ["wr-no-fixed-replicas-with-hpa"]],
  ["no PDB", (rs) => remove(rs, T.Pdb, "api"), ["wr-pdb-present"]],
  ["PDB selecting other pods", (rs) => (find(rs, T.Pdb, "api").props.spec.selector.matchLabels.app = "web"), ["wr-pdb-present"]],
  ["PDB in another namespace", (rs) => (find(rs, T.Pdb, "api").props.metadata.namespace = "other"), ["wr-pdb-present"]],
  ["PDB allowing no disruption", (rs) => (find(rs, T.Pdb, "queue").props.spec.minAvailable = 3), ["wr-pdb-allows-disruption"]],
  ["PDB minAvailable 100%", (rs) => (find(rs, T.Pdb, "queue").props.spec.minAvailable = "100%"), ["wr-pdb-allows-disruption"]],
  ["PDB with neither field", (rs) => delete find(rs, T.Pdb, "api").props.spec.maxUnavailable, ["wr-pdb-allows-disruption"]],
  ["PDB minAvailable equal to HPA minimum", (rs) => (find(rs, T.Pdb, "api").props.spec = { minAvailable: 3, selector: { matchLabels: { app: "api" } } }), ["wr-pdb-allows-disruption"]],
  ["no zone spread", (rs) => delete apiPod(rs).topologySpreadConstraints, ["wr-zone-topology-spread"]],
  ["spread on hostname only", (rs) => (apiPod(rs).topologySpreadConstraints[0].topologyKey = "kubernetes.io/hostname"), ["wr-zone-topology-spread"]],
  ["no readiness probe", (rs) => delete apiContainer(rs).readinessProbe, ["wr-probes"]],
  ["no liveness probe", (rs) => delete apiContainer(rs).livenessProbe, ["wr-probes"]],
  ["no memory limit", (rs) => delete apiContainer(rs).resources.limits, ["wr-resources-requests-limits"]],
  ["no requests", (rs) => delete apiContainer(rs).resources.requests, ["wr-resources-requests-limits", "wr-ephemeral-storage-requests"]],
  ["latest tag", (rs) => (apiContainer(rs).image = "nginx:latest"), ["wr-pinned-images"]],
  ["no tag", (rs) => (apiContainer(rs).image = "registry.example.com:5000/team/nginx"), ["wr-pinned-images"]],
  ["preStop longer than grace", (rs) => (apiPod(rs).terminationGracePeriodSeconds = 10), ["wr-prestop-within-termination-grace"]],
  ["preStop exec sleep vs default grace", (rs) => {
      delete apiPod(rs).terminationGracePeriodSeconds;
      apiContainer(rs).lifecycle = { preStop: { exec: { command: ["sh", "-c", "sleep 30"] } } };
    }, ["wr-prestop-within-termination-grace"]],
  ["HPA min == max", (rs) => (find(rs, T.Hpa, "api").props.spec.maxReplicas = 3), ["wr-hpa-can-scale"]],
  ["CronJob without startingDeadlineSeconds", (rs) => delete find(rs, T.CronJob, "report").props.spec.startingDeadlineSeconds, ["wr-cronjob-deadline-and-concurrency"]],
  ["CronJob with concurrencyPolicy Allow (default)", (rs) => delete find(rs, T.CronJob, "report").props.spec.concurrencyPolicy, ["wr-cronjob-deadline-and-concurrency"]],
  ["identical liveness and readiness probes", (rs) => (apiContainer(rs).livenessProbe = { httpGet: { path: "/ready", port: 8080 } }), ["wr-probes-distinct"]],
  ["no ephemeral-storage request", (rs) => delete apiContainer(rs).resources.requests["ephemeral-storage"], ["wr-ephemeral-storage-requests"]],
  ["Deployment selector does not match its template", (rs) => (find(rs, T.Deployment, "api").props.spec.selector.matchLabels = { app: "api-v2" }), ["wr-selector-matches-template"]],
  ["Service selects no pods", (rs) => (find(rs, T.Service, "api").props.spec.selector = { app: "apii" }), ["wr-service-selects-pods"]],
  ["mutable tag with IfNotPresent", (rs) => Object.assign(apiContainer(rs), { image: "nginx:latest", imagePullPolicy: "IfNotPresent" }), ["wr-pinned-images", "wr-pull-policy-mutable-tags"]],
  ["duplicate env name", (rs) => (apiContainer(rs).env = [{ name: "MODE", value: "a" }, { name: "MODE", value: "b" }]), ["wr-env-names-unique"]],
  ["CronJob on batch/v1beta1 (removed in 1.25)", (rs) => (find(rs, T.CronJob, "report").type = T.LegacyCronJob), ["wr-api-versions-current"]],
];

// One pack process for the file (start-up type-checks the pack); prod is applied with Configure like the CLI does.
let client: PolicyPackClient;
beforeAll(async () => {
  client = await startPolicyPack(packDir("workload-resilience"));
});
afterAll(async () => client?.close());

packContract({
  pack: "workload-resilience",
  client: () => client,
  policies: [
    "wr-replicas-minimum",
    "wr-no-fixed-replicas-with-hpa",
    "wr-pdb-present",
    "wr-pdb-allows-disruption",
    "wr-zone-topology-spread",
    "wr-probes",
    "wr-resources-requests-limits",
    "wr-pinned-images",
    "wr-prestop-within-termination-grace",
    "wr-hpa-can-scale",
    "wr-cronjob-deadline-and-concurrency",
    "wr-probes-distinct",
    "wr-ephemeral-storage-requests",
    "wr-selector-matches-template",
    "wr-service-selects-pods",
    "wr-pull-policy-mutable-tags",
    "wr-env-names-unique",
    "wr-api-versions-current",
    "wr-fis-stop-conditions",
    "wr-rollout-analysed",
    "wr-mesh-traffic-resilience",
  ],
  rules: RULES,
  inventory: INVENTORY,
  violating: () => {
    const rs = clone(baseline());
    apiContainer(rs).image = "nginx";
    return rs;
  },
});

describe("dev (default config)", () => {
  oneChangeCases(() => client, baseline, CASES, ["wr-fis-stop-conditions", "wr-rollout-analysed", "wr-mesh-traffic-resilience"]); // drills.test.ts, rollouts.test.ts, mesh-traffic.test.ts

  test("2 replicas pass in dev", async () => {
    const resources = clone(baseline());
    find(resources, T.StatefulSet, "queue").props.spec.replicas = 2;
    find(resources, T.Pdb, "queue").props.spec.minAvailable = 1;
    expect(await analyzeAll(client, resources)).toEqual([]);
  });

  test.each([
    ["unknown replicas", (rs: AnalyzerResource[]) => (find(rs, T.StatefulSet, "queue").props.spec.replicas = U), "wr-replicas-minimum", "spec.replicas"],
    ["unknown PDB budget", (rs: AnalyzerResource[]) => (find(rs, T.Pdb, "queue").props.spec.minAvailable = U), "wr-pdb-allows-disruption", "minAvailable"],
    ["unknown image", (rs: AnalyzerResource[]) => (apiContainer(rs).image = U), "wr-pinned-images", "image"],
    ["unknown resources", (rs: AnalyzerResource[]) => (apiContainer(rs).resources = U), "wr-resources-requests-limits", "resources"],
  ])("preview unknown: %s → advisory 'cannot tell yet' naming the field, never a silent pass", async (_, mutate, policy, field) => {
    const resources = clone(baseline());
    mutate(resources);
    const mine = (await analyzeAll(client, resources)).filter((f) => f.policyName === policy);
    expect(mine.length).toBeGreaterThan(0);
    for (const f of mine) expect([f.enforcementLevel, f.message.startsWith("cannot tell yet:"), f.message.includes(field)]).toEqual(["advisory", true, true]);
  });

  test.each([
    ["unknown HPA target name resolved through dependency", (rs: AnalyzerResource[]) => {
      const hpa = find(rs, T.Hpa, "api");
      hpa.props.spec.scaleTargetRef.name = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
      hpa.propertyDependencies = { spec: [find(rs, T.Deployment, "api").urn] };
    }],
    ["garbage containers", (rs: AnalyzerResource[]) => find(rs, T.Deployment, "api").props.spec.template.spec.containers.push(null, 5)],
  ])("dependency joins and odd input: %s → no finding, no error", async (_, mutate) => {
    const resources = clone(baseline());
    mutate(resources);
    expect(await analyzeAll(client, resources)).toEqual([]);
  });
});

describe("prod (config/prod.json)", () => {
  const prod = JSON.parse(fs.readFileSync(path.join(packDir("workload-resilience"), "config/prod.json"), "utf8"));
  beforeAll(async () => client.configure(prod));
  afterAll(async () => client.configure({ all: "advisory" }));

  test("the baseline (3 replicas) passes in prod", async () => {
    expect(await analyzeAll(client, baseline())).toEqual([]);
  });

  test("2 replicas are a mandatory violation in prod", async () => {
    const resources = clone(baseline());
    find(resources, T.StatefulSet, "queue").props.spec.replicas = 2;
    find(resources, T.Pdb, "queue").props.spec.minAvailable = 1;
    const findings = await analyzeAll(client, resources);
    expect(findings.map((f) => [f.policyName, f.enforcementLevel])).toEqual([["wr-replicas-minimum", "mandatory"]]);
    expect(findings[0].message).toContain("at least 3 (prod)");
  });
});

describe("two clusters in one stack (joins key on the Kubernetes provider)", () => {
  const provider = (name: string) => ({ type: "pulumi:providers:kubernetes", name, urn: `urn:pulumi:test::platform::pulumi:providers:kubernetes::${name}`, props: {} });
  /** The baseline once per cluster: same names and namespaces, different providers, distinct URNs. */
  function twoClusters(): AnalyzerResource[] {
    return ["a", "b"].flatMap((c) => baseline().map((r) => ({ ...r, name: `${c}-${r.name}`, urn: `${r.urn}-${c}`, provider: provider(c) })));
  }

  test("both clusters compliant → no finding", async () => {
    expect(await analyzeAll(client, twoClusters())).toEqual([]);
  });

  test("only cluster b has minReplicas 1 and no PDB → reported on cluster b's objects only", async () => {
    const rs = twoClusters();
    find(rs, T.Hpa, "b-api").props.spec.minReplicas = 1;
    remove(rs, T.Pdb, "b-queue");
    const findings = await analyzeAll(client, rs);
    expect(findings.map((f) => [f.policyName, f.urn]).sort()).toEqual([
      ["wr-pdb-present", find(rs, T.StatefulSet, "b-queue").urn],
      ["wr-replicas-minimum", find(rs, T.Hpa, "b-api").urn],
    ]);
  });

  test("cluster a's HPA does not scale cluster b's Deployment", async () => {
    const rs = twoClusters();
    remove(rs, T.Hpa, "b-api");
    // Without its own HPA, b's api runs the Kubernetes default of 1 replica.
    expect((await analyzeAll(client, rs)).map((f) => [f.policyName, f.urn])).toEqual([["wr-replicas-minimum", find(rs, T.Deployment, "b-api").urn]]);
  });
});
