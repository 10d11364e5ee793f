/**
 * What the prod stack promises, read from its offline plan (resources.json, manifests/, policy report): three regional
 * clusters behind health-checked failover, the data tier that meets RPO 60 s / RTO 300 s, the HA monitoring profile,
 * tenant isolation everywhere, and a clean, fully scored policy report.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as YAML from "yaml";
import { planFor, readTree } from "../support/plans";

const plan = planFor("prod");
const resources: any[] = plan.resources;
const byType = (type: string) => resources.filter((r) => r.type === type);
const byUrn = new Map(resources.map((r) => [r.urn, r]));
const regionOf = (r: any) => byUrn.get(r.provider)?.props.region;
const manifests = [...readTree(path.join(plan.dir, "manifests")).entries()].map(([file, text]) => ({ file, object: YAML.parse(text) }));
const REGIONS = ["eu-west-1", "us-east-1", "us-west-2"];

test("the prod plan exits 0", () => {
  expect(plan.exitCode).toBe(0);
});

describe("clusters (issue 3)", () => {
  const clusters = byType("aws:eks/cluster:Cluster");

  test("three EKS clusters, each through a provider in a distinct region", () => {
    expect(clusters.map(regionOf).sort()).toEqual(REGIONS);
  });

  test.each(clusters.map((c) => [c.name, c]))("%s: private endpoint, every log type, KMS-encrypted secrets, deletion protection", (_n, c: any) => {
    expect(c.props.vpcConfig).toMatchObject({ endpointPrivateAccess: true, endpointPublicAccess: false });
    expect([...c.props.enabledClusterLogTypes].sort()).toEqual(["api", "audit", "authenticator", "controllerManager", "scheduler"]);
    expect(c.props.encryptionConfig).toMatchObject({ resources: ["secrets"], provider: { keyArn: expect.stringMatching(/^arn:aws:kms:/) } });
    expect(c.props.deletionProtection).toBe(true);
    expect(c.options.protect).toBe(true);
  });

  test("node groups cover three zones in every region, and the autoscaler owns desired size", () => {
    const groups = byType("aws:eks/nodeGroup:NodeGroup");
    for (const region of REGIONS) {
      const subnets = new Set(groups.filter((g) => regionOf(g) === region).flatMap((g) => g.props.subnetIds));
      expect(subnets.size).toBe(3);
    }
    for (const g of groups) expect(g.options.ignoreChanges).toContain("scalingConfig.desiredSize");
  });

  test("Route 53 health checks every 10 s, one per region, behind latency records", () => {
    const checks = byType("aws:route53/healthCheck:HealthCheck");
    expect(checks).toHaveLength(3);
    for (const c of checks) expect(c.props.requestInterval).toBe(10);
    const records = byType("aws:route53/record:Record").filter((r) => r.props.latencyRoutingPolicies);
    expect(records.map((r) => r.props.healthCheckId).filter(Boolean)).toHaveLength(3);
  });

  test("each service runs in every region with HPA (seed behaviour), PDB and zone spread, and no fixed replicas", () => {
    for (const service of ["checkout", "catalog"]) {
      const deployments = manifests.filter((m) => m.object.kind === "Deployment" && m.object.metadata.name === service);
      expect(deployments).toHaveLength(3);
      // Prod releases by canary: the Deployment only holds the template (0 replicas), the Rollout runs the pods and
      // leaves its replica count to the HPA.
      const rollouts = manifests.filter((m) => m.object.kind === "Rollout" && m.object.metadata.name === service);
      expect(rollouts).toHaveLength(3);
      for (const { object } of rollouts) expect(object.spec.replicas).toBeUndefined();
      for (const { object } of deployments) {
        expect(object.spec.replicas).toBe(0);
        const spread = object.spec.template.spec.topologySpreadConstraints;
        expect(spread).toEqual(expect.arrayContaining([expect.objectContaining({ topologyKey: "topology.kubernetes.io/zone", maxSkew: 1, whenUnsatisfiable: "DoNotSchedule" })]));
      }
      const hpas = manifests.filter((m) => m.object.kind === "HorizontalPodAutoscaler" && m.object.metadata.name === service);
      expect(hpas).toHaveLength(3);
      for (const { object } of hpas) {
        expect(object.spec.scaleTargetRef).toEqual({ apiVersion: "argoproj.io/v1alpha1", kind: "Rollout", name: service });
        expect(object.spec.behavior.scaleUp).toMatchObject({ stabilizationWindowSeconds: 0, selectPolicy: "Max" });
        expect(object.spec.behavior.scaleUp.policies).toEqual(expect.arrayContaining([{ type: "Percent", value: 100, periodSeconds: 60 }, { type: "Pods", value: 4, periodSeconds: 60 }]));
        expect(object.spec.behavior.scaleDown.stabilizationWindowSeconds).toBe(300);
        expect(object.spec.behavior.scaleDown.policies).toEqual(expect.arrayContaining([{ type: "Percent", value: 50, periodSeconds: 60 }, { type: "Pods", value: 2, periodSeconds: 60 }]));
      }
      expect(manifests.filter((m) => m.object.kind === "PodDisruptionBudget" && m.object.metadata.name === service)).toHaveLength(3);
    }
  });
});

describe("data tier (issue 4)", () => {
  test("one Aurora global database with a cluster in each region", () => {
    expect(byType("aws:rds/globalCluster:GlobalCluster")).toHaveLength(1);
    const clusters = byType("aws:rds/cluster:Cluster");
    expect(clusters.map(regionOf).sort()).toEqual(REGIONS);
    for (const c of clusters) expect(c.props).toMatchObject({ storageEncrypted: true, deletionProtection: true, iamDatabaseAuthenticationEnabled: true });
  });

  test("an ElastiCache global datastore with members in every region", () => {
    expect(byType("aws:elasticache/globalReplicationGroup:GlobalReplicationGroup")).toHaveLength(1);
    expect(byType("aws:elasticache/replicationGroup:ReplicationGroup").map(regionOf).sort()).toEqual(REGIONS);
  });

  test("backup buckets replicate with Replication Time Control (15 min) and metrics", () => {
    const rules = byType("aws:s3/bucketReplicationConfig:BucketReplicationConfig").flatMap((c) => c.props.rules);
    expect(rules.length).toBeGreaterThanOrEqual(2);
    for (const rule of rules) {
      expect(rule.destination.replicationTime).toEqual({ status: "Enabled", time: { minutes: 15 } });
      expect(rule.destination.metrics.status).toBe("Enabled");
    }
  });

  test("an AWS Backup plan copies recovery points to the other regions", () => {
    const [backupPlan] = byType("aws:backup/plan:Plan");
    const copies = backupPlan.props.rules.flatMap((r: any) => r.copyActions ?? []);
    expect(copies.length).toBeGreaterThanOrEqual(2);
  });

  test("replication-lag alarms exist for Aurora, ElastiCache and S3 and publish to SNS", () => {
    const alarms = byType("aws:cloudwatch/metricAlarm:MetricAlarm");
    // Per-node metrics (ElastiCache) and job counts (AWS Backup) are alarmed through metric math queries.
    const metrics = new Set(alarms.flatMap((a) => [a.props.metricName, ...(a.props.metricQueries ?? []).map((q: any) => q.metric?.metricName ?? q.expression)]).filter(Boolean));
    for (const metric of ["AuroraGlobalDBRPOLag", "GlobalDatastoreReplicationLag", "ReplicationLatency"]) expect(metrics).toContain(metric);
    for (const a of alarms) expect(a.props.alarmActions.length).toBeGreaterThan(0);
  });
});

describe("monitoring (issue 5)", () => {
  const releases = byType("kubernetes:helm.sh/v3:Release").filter((r) => r.props.chart === "kube-prometheus-stack");

  test("one kube-prometheus-stack release per region with the HA profile", () => {
    expect(releases).toHaveLength(3);
    for (const r of releases) {
      const values = r.props.values;
      expect(values.prometheus.prometheusSpec.replicas).toBe(2);
      expect(values.prometheus.prometheusSpec.retention).toBeDefined();
      expect(values.prometheus.prometheusSpec.storageSpec).toBeDefined();
      expect(values.alertmanager.alertmanagerSpec.replicas).toBe(3);
      expect(values.kubeControllerManager.enabled).toBe(false);
      expect(values.kubeScheduler.enabled).toBe(false);
      expect(values.kubeEtcd.enabled).toBe(false);
    }
  });

  const promtool = spawnSync("promtool", ["--version"]).status === 0;
  (promtool ? test : test.skip)("the PrometheusRule objects in manifests/ pass promtool check rules", () => {
    const groups = manifests.filter((m) => m.object.kind === "PrometheusRule").flatMap((m) => m.object.spec.groups);
    expect(groups.length).toBeGreaterThan(0);
    const names = new Set<string>();
    const unique = groups.filter((g: any) => !names.has(g.name) && names.add(g.name));
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "prod-rules-")), "rules.yaml");
    fs.writeFileSync(file, YAML.stringify({ groups: unique }));
    const result = spawnSync("promtool", ["check", "rules", file], { encoding: "utf8" });
    expect(result.stdout + result.stderr).toMatch(/SUCCESS/);
    expect(result.status).toBe(0);
  });
});

describe("tenant isolation (issue 6)", () => {
  const SYSTEM = new Set(["kube-system", "kube-public", "kube-node-lease", "default"]);
  const namespaces = manifests.filter((m) => m.object.kind === "Namespace" && !m.file.endsWith(".patch.yaml"));

  test.each(["payments", "storefront", "monitoring", "external-secrets", "cert-manager"])("namespace %s exists in every cluster", (name) => {
    expect(namespaces.filter((n) => n.object.metadata.name === name)).toHaveLength(3);
  });

  test("every non-system namespace has the three PSA labels, default-deny, a quota and limits", () => {
    for (const { file, object } of namespaces.filter((n) => !SYSTEM.has(n.object.metadata.name))) {
      const cluster = file.split(path.sep)[0];
      const ns = object.metadata.name;
      for (const mode of ["enforce", "audit", "warn"]) {
        expect(object.metadata.labels[`pod-security.kubernetes.io/${mode}`]).toBeDefined();
        expect(object.metadata.labels[`pod-security.kubernetes.io/${mode}-version`]).toBe("v1.33");
      }
      const inNs = manifests.filter((m) => m.file.startsWith(path.join(cluster, ns) + path.sep)).map((m) => m.object);
      const denyAll = inNs.find((o) => o.kind === "NetworkPolicy" && Object.keys(o.spec.podSelector ?? {}).length === 0 && !o.spec.ingress && !o.spec.egress);
      expect({ ns, denyAll: denyAll?.spec.policyTypes?.sort() }).toEqual({ ns, denyAll: ["Egress", "Ingress"] });
      expect(inNs.some((o) => o.kind === "ResourceQuota")).toBe(true);
      expect(inNs.some((o) => o.kind === "LimitRange")).toBe(true);
    }
  });

  test("no ClusterRoleBinding grants cluster-admin", () => {
    const bindings = manifests.filter((m) => m.object.kind === "ClusterRoleBinding").map((m) => m.object);
    expect(bindings.filter((b) => b.roleRef.name === "cluster-admin")).toEqual([]);
  });
});

describe("policy report (issue 8)", () => {
  const report = JSON.parse(fs.readFileSync(path.join(plan.dir, "policy-report.json"), "utf8"));

  test("all five packs ran with the prod config", () => {
    // "plan" is the plan's own not-judged findings (components and Helm releases it could not see), not a policy pack.
    expect(report.packs.filter((p: any) => p.name !== "plan").map((p: any) => [p.name, p.config])).toEqual([
      ["aws-baseline", "prod.json"], ["kubernetes-cis", "prod.json"], ["pod-security", "prod.json"], ["runtime-coherence", "prod.json"], ["workload-resilience", "prod.json"],
    ]);
  });

  // What even after deploy no policy can see, said out loud: the pods of Helm releases (rendered by the release, not
  // by the program) in namespaces with a quota, so whether the quota fits them stays "cannot tell yet".
  // RC-5: the Rollouts controller's NetworkPolicy in monitoring selects Prometheus pods, which only the Helm chart creates.
  const UNDECIDABLE: Record<string, readonly string[]> = { "production-platform runtime coherence 1.0.0": ["RC-3", "RC-5"] };

  test("no mandatory violation; every applicable control passes, or is undecided only where a policy cannot see (none scored vacuously)", () => {
    expect(report.summary.mandatory).toBe(0);
    for (const c of report.compliance) {
      const undecided = UNDECIDABLE[c.framework] ?? [];
      const expected = c.status === "not-applicable" ? { percent: null, applicable: 0, undecided: [] } : { percent: Math.round(((c.applicable - undecided.length) / c.applicable) * 10000) / 100, applicable: c.applicable, undecided };
      expect({ framework: c.framework, percent: c.percent, applicable: c.applicable, failing: c.failing, undecided: c.undecided }).toEqual({ framework: c.framework, ...expected, failing: [] });
    }
    // The platform's own stack has something for the AWS, EKS and resilience frameworks to judge.
    expect(report.compliance.filter((c: any) => c.status === "scored").map((c: any) => c.framework)).toEqual(expect.arrayContaining([expect.stringMatching(/^CIS AWS/), expect.stringMatching(/^CIS Amazon EKS/)]));
    expect(report.compliance.map((c: any) => c.applicable).reduce((a: number, b: number) => a + b, 0)).toBeGreaterThanOrEqual(70);
  });

  test("controls that code cannot decide are listed, not dropped", () => {
    const cis = report.compliance.find((c: any) => c.framework.startsWith("CIS Amazon EKS"));
    expect(cis.notDecidable).toEqual(expect.arrayContaining(["3.1.1", "3.2.1", "4.5.1"]));
  });
});
