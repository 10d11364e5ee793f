import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as fs from "fs";
import * as YAML from "yaml";
import { MonitoringStack, MonitoringStackArgs } from "../../../components/monitoring/MonitoringStack";
import { KUBE_PROMETHEUS_STACK_CHART } from "../../../components/monitoring/prometheusStack";
import { sloAlertNames } from "../../../components/monitoring/slo";
import { ValidationError } from "../../../components/shared/validation";
import { installMockRuntime, RecordedResource, ResourceRecorder, settle } from "../../../src/testing/mocks";
import { containsSecret, isSecret } from "../../../src/testing/wire";
import { run, tempDir, toolAvailability, writeYaml } from "./promtool-helpers";

const RELEASE = "kubernetes:helm.sh/v3:Release";
const PROMETHEUS_RULE = "kubernetes:monitoring.coreos.com/v1:PrometheusRule";
const ISSUER = "https://oidc.eks.us-west-2.amazonaws.com/id/ABCDEF0123456789";

function baseArgs(overrides: Partial<MonitoringStackArgs> = {}): MonitoringStackArgs {
  return {
    region: "us-west-2",
    environment: "prod",
    clusterName: "prod-usw2",
    oidcProviderArn: "arn:aws:iam::123456789012:oidc-provider/oidc.eks.us-west-2.amazonaws.com/id/ABCDEF0123456789",
    oidcIssuer: ISSUER,
    slos: [{ name: "checkout", objective: 99.9 }, { name: "payments", objective: 99.95, namespace: "shop" }],
    alertReceivers: {
      receivers: [
        { name: "oncall", pagerduty: [{ routingKey: pulumi.secret("pd-routing-key-123") }] },
        { name: "tickets", slack: [{ webhookUrl: pulumi.secret("https://hooks.slack.com/services/T/B/SECRET"), channel: "#alerts" }] },
      ],
      critical: "oncall",
      warning: "tickets",
    },
    ...overrides,
  };
}

async function deploy(preview: boolean, args: MonitoringStackArgs): Promise<ResourceRecorder> {
  const recorder = installMockRuntime({ preview, project: "platform", stack: "prod" });
  const awsProvider = new aws.Provider("aws-usw2", { region: "us-west-2" });
  const k8sProvider = new k8s.Provider("k8s-usw2", { kubeconfig: "{}" });
  new MonitoringStack("usw2-monitoring", args, { providers: [awsProvider, k8sProvider] });
  await settle();
  return recorder;
}

function releaseNamed(recorder: ResourceRecorder, chart: string): RecordedResource {
  const found = recorder.ofType(RELEASE).filter((r) => recorder.inputsOf(r).chart === chart);
  if (found.length !== 1) throw new Error(`expected one ${chart} release, found ${found.length}`);
  return found[0];
}

describe.each([true, false])("MonitoringStack (preview=%s)", (preview) => {
  /** The production wiring, deployed once per mode; tests that need other arguments deploy their own. */
  let prod: ResourceRecorder;
  beforeAll(async () => {
    prod = await deploy(preview, baseArgs());
  });

  test("one kube-prometheus-stack release, pinned, with the HA profile", async () => {
    const recorder = prod;
    const release = releaseNamed(recorder, "kube-prometheus-stack");
    const inputs = recorder.inputsOf(release);
    expect(inputs.version).toBe(KUBE_PROMETHEUS_STACK_CHART.version);
    expect(inputs.version).toMatch(/^\d+\.\d+\.\d+$/);
    expect(inputs.namespace).toBe("monitoring");
    expect(inputs.skipCrds).toBe(false);
    const v = inputs.values;
    const spec = v.prometheus.prometheusSpec;
    expect(spec.replicas).toBe(2);
    expect(spec.retention).toBe("30d");
    expect(spec.storageSpec.volumeClaimTemplate.spec.resources.requests.storage).toBe("200Gi");
    expect(spec.podAntiAffinity).toBe("hard");
    expect(spec.podAntiAffinityTopologyKey).toBe("topology.kubernetes.io/zone");
    for (const key of ["serviceMonitor", "podMonitor", "rule", "probe", "scrapeConfig"]) {
      expect(spec[`${key}SelectorNilUsesHelmValues`]).toBe(false);
    }
    expect(v.alertmanager.alertmanagerSpec.replicas).toBe(3);
    expect(v.alertmanager.alertmanagerSpec.topologySpreadConstraints[0].topologyKey).toBe("topology.kubernetes.io/zone");
    expect(v.prometheus.podDisruptionBudget.enabled).toBe(true);
    expect(v.alertmanager.podDisruptionBudget.enabled).toBe(true);
    expect(v.prometheus.networkPolicy.enabled).toBe(true);
    expect(v.alertmanager.networkPolicy.enabled).toBe(true);
    expect(v.kubeControllerManager.enabled).toBe(false);
    expect(v.kubeScheduler.enabled).toBe(false);
    expect(v.kubeEtcd.enabled).toBe(false);
    expect(v.defaultRules.rules.etcd).toBe(false);
    expect(v.defaultRules.rules.kubeControllerManager).toBe(false);
    expect(v.defaultRules.rules.kubeSchedulerAlerting).toBe(false);
    expect(v.crds.enabled).toBe(true);
    expect(release.options.protect).toBe(true);
  });

  test("Grafana admin password is generated, kept secret, and never in Helm values", async () => {
    const recorder = prod;
    const release = releaseNamed(recorder, "kube-prometheus-stack");
    const grafana = recorder.inputsOf(release).values.grafana;
    expect(grafana.admin).toEqual({ existingSecret: "grafana-admin", userKey: "admin-user", passwordKey: "admin-password" });
    expect(containsSecret(release.props.values)).toBe(false);
    const secret = recorder.ofType("kubernetes:core/v1:Secret").find((s) => recorder.inputsOf(s).metadata.name === "grafana-admin") as RecordedResource;
    expect(secret.props.stringData).toBeDefined();
    expect(containsSecret(secret.props.stringData)).toBe(true);
    expect(recorder.ofType("random:index/randomPassword:RandomPassword")).toHaveLength(1);
    if (!preview) {
      const password = recorder.inputsOf(secret).stringData["admin-password"];
      expect(password).toHaveLength(32);
      expect(JSON.stringify(recorder.inputsOf(release).values)).not.toContain(password);
    }
  });

  test("Alertmanager config is a secret rendered from the receivers, referenced by the chart", async () => {
    const recorder = prod;
    const release = releaseNamed(recorder, "kube-prometheus-stack");
    const spec = recorder.inputsOf(release).values.alertmanager.alertmanagerSpec;
    expect(spec).toMatchObject({ useExistingSecret: true, configSecret: "alertmanager-config" });
    const secret = recorder.ofType("kubernetes:core/v1:Secret").find((s) => recorder.inputsOf(s).metadata.name === "alertmanager-config") as RecordedResource;
    expect(isSecret(secret.props.stringData) || containsSecret(secret.props.stringData)).toBe(true);
    expect(release.options.dependsOn).toContain(secret.urn);
    if (!preview) {
      const config = YAML.parse(recorder.inputsOf(secret).stringData["alertmanager.yaml"]);
      const routes = config.route.routes.map((r: any) => [r.matchers[0], r.receiver]);
      expect(routes).toContainEqual(['severity="critical"', "oncall"]);
      expect(routes).toContainEqual(['severity="warning"', "tickets"]);
      expect(config.receivers.find((r: any) => r.name === "oncall").pagerduty_configs[0].routing_key).toBe("pd-routing-key-123");
    }
  });

  test("one PrometheusRule per SLO, created after the release that brings its CRD", async () => {
    const recorder = prod;
    const release = releaseNamed(recorder, "kube-prometheus-stack");
    const rules = recorder.ofType(PROMETHEUS_RULE);
    expect(rules.map((r) => recorder.inputsOf(r).metadata.name).sort()).toEqual(["slo-checkout", "slo-payments"]);
    for (const rule of rules) {
      const inputs = recorder.inputsOf(rule);
      expect(inputs.apiVersion).toBe("monitoring.coreos.com/v1");
      expect(inputs.kind).toBe("PrometheusRule");
      expect(inputs.metadata.namespace).toBe("monitoring");
      expect(rule.options.dependsOn).toContain(release.urn);
    }
    const checkout = recorder.inputsOf(rules.find((r) => recorder.inputsOf(r).metadata.name === "slo-checkout") as RecordedResource);
    const alerts = checkout.spec.groups.flatMap((g: any) => g.rules).filter((r: any) => r.alert);
    expect(alerts.map((a: any) => a.alert)).toEqual(Object.values(sloAlertNames("checkout")));
  });

  test("dashboards are ConfigMaps the Grafana sidecar picks up, each holding valid dashboard JSON", async () => {
    const recorder = prod;
    const maps = recorder.ofType("kubernetes:core/v1:ConfigMap").map((m) => recorder.inputsOf(m));
    expect(maps.map((m) => m.metadata.name).sort()).toEqual(["dashboard-cluster-capacity", "dashboard-data-tier", "dashboard-service-red-slo"]);
    for (const m of maps) {
      expect(m.metadata.labels.grafana_dashboard).toBe("1");
      expect(m.metadata.namespace).toBe("monitoring");
      const [file, json] = Object.entries(m.data)[0] as [string, string];
      const dashboard = JSON.parse(json);
      expect(file).toBe(`${dashboard.uid}.json`);
      expect(dashboard.panels.length).toBeGreaterThan(0);
    }
  });

  test("traces: agent DaemonSet and gateway Deployment, 10 % sampling, X-Ray through an IRSA role", async () => {
    const recorder = prod;
    const collectors = recorder.ofType(RELEASE).filter((r) => recorder.inputsOf(r).chart === "opentelemetry-collector").map((r) => recorder.inputsOf(r));
    expect(collectors.map((c) => c.values.mode).sort()).toEqual(["daemonset", "deployment"]);
    const gateway = collectors.find((c) => c.values.mode === "deployment") as Record<string, any>;
    expect(gateway.version).toMatch(/^\d+\.\d+\.\d+$/);
    expect(gateway.values.config.processors.probabilistic_sampler.sampling_percentage).toBe(10);
    expect(gateway.values.config.service.pipelines.traces.exporters).toEqual(["awsxray"]);
    expect(gateway.values.config.exporters.awsxray.region).toBe("us-west-2");
    const roles = recorder.ofType("aws:iam/role:Role").map((r) => JSON.parse(recorder.inputsOf(r).assumeRolePolicy));
    const subjects = roles.map((p) => p.Statement[0].Condition.StringEquals["oidc.eks.us-west-2.amazonaws.com/id/ABCDEF0123456789:sub"]);
    expect(subjects).toContain("system:serviceaccount:monitoring:otel-gateway");
    expect(subjects).toContain("system:serviceaccount:monitoring:fluent-bit");
    const attachments = recorder.ofType("aws:iam/rolePolicyAttachment:RolePolicyAttachment").map((a) => recorder.inputsOf(a).policyArn);
    expect(attachments).toContain("arn:aws:iam::aws:policy/AWSXRayDaemonWriteAccess");
  });

  test("an OTLP endpoint from config replaces X-Ray and needs no IAM role", async () => {
    const recorder = await deploy(preview, baseArgs({ tracing: { exporter: { kind: "otlp", endpoint: "tempo.tracing:4317" }, samplingPercentage: 25 } }));
    const gateway = recorder.ofType(RELEASE).map((r) => recorder.inputsOf(r)).find((r) => r.values?.mode === "deployment") as Record<string, any>;
    expect(gateway.values.config.exporters["otlp/upstream"].endpoint).toBe("tempo.tracing:4317");
    expect(gateway.values.config.processors.probabilistic_sampler.sampling_percentage).toBe(25);
    expect(recorder.ofType("aws:iam/rolePolicyAttachment:RolePolicyAttachment")).toHaveLength(0);
  });

  test("logs: Fluent Bit writes to one KMS-encrypted log group with retention, and cannot create others", async () => {
    const recorder = prod;
    const group = recorder.one("aws:cloudwatch/logGroup:LogGroup");
    const inputs = recorder.inputsOf(group);
    expect(inputs.name).toBe("/aws/eks/prod-usw2/containers");
    expect(inputs.retentionInDays).toBe(30);
    expect(inputs.kmsKeyId).toBeDefined();
    expect(group.options.protect).toBe(true);
    expect(recorder.regionOf(group)).toBe("us-west-2");
    const key = recorder.ofType("aws:kms/key:Key").map((k) => recorder.inputsOf(k)).find((k) => /logs\.us-west-2/.test(k.policy ?? ""));
    expect(key?.enableKeyRotation).toBe(true);
    const fluent = recorder.inputsOf(releaseNamed(recorder, "aws-for-fluent-bit"));
    expect(fluent.values.cloudWatchLogs).toMatchObject({ enabled: true, autoCreateGroup: false, region: "us-west-2" });
    expect(fluent.values.filter.mergeLog).toBe("On");
    const policies = recorder.ofType("aws:iam/rolePolicy:RolePolicy").map((p) => recorder.inputsOf(p).policy).join("\n");
    expect(policies).toContain("logs:PutLogEvents");
    expect(policies).not.toContain("logs:CreateLogGroup");
  });

  test("cluster alarms go to a new KMS-encrypted topic when none is given", async () => {
    const recorder = prod;
    const topic = recorder.one("aws:sns/topic:Topic");
    expect(recorder.inputsOf(topic).kmsMasterKeyId).toBeDefined();
    const alarms = recorder.ofType("aws:cloudwatch/metricAlarm:MetricAlarm").map((a) => recorder.inputsOf(a));
    expect(alarms.map((a) => a.metricName).sort()).toEqual(["cluster_failed_node_count", "node_cpu_utilization", "node_filesystem_utilization", "node_memory_utilization"]);
    for (const alarm of alarms) {
      expect(alarm.namespace).toBe("ContainerInsights");
      expect(alarm.dimensions).toEqual({ ClusterName: "prod-usw2" });
      if (!preview) expect(alarm.alarmActions).toEqual([recorder.get(topic.urn)?.outputs.arn]);
    }
  });

  test("cluster alarms use the shared topic when alarmTopicArn is given", async () => {
    const shared = "arn:aws:sns:us-west-2:123456789012:platform-alarms";
    const recorder = await deploy(preview, baseArgs({ alarmTopicArn: shared }));
    expect(recorder.ofType("aws:sns/topic:Topic")).toHaveLength(0);
    for (const alarm of recorder.ofType("aws:cloudwatch/metricAlarm:MetricAlarm")) {
      expect(recorder.inputsOf(alarm).alarmActions).toEqual([shared]);
      expect(recorder.inputsOf(alarm).okActions).toEqual([shared]);
    }
  });

  test("dev: smaller defaults, nothing protected", async () => {
    const recorder = await deploy(preview, baseArgs({ environment: "dev" }));
    const release = releaseNamed(recorder, "kube-prometheus-stack");
    expect(release.options.protect).toBe(false);
    expect(recorder.inputsOf(release).values.prometheus.prometheusSpec.retention).toBe("15d");
    expect(recorder.one("aws:cloudwatch/logGroup:LogGroup").options.protect).toBe(false);
  });

  test("an SNS receiver gives Alertmanager an IRSA role allowed to publish to that topic only", async () => {
    const topicArn = "arn:aws:sns:us-west-2:123456789012:platform-alarms";
    const args = baseArgs();
    const recorder = await deploy(
      preview,
      baseArgs({ alertReceivers: { ...args.alertReceivers, receivers: [...args.alertReceivers.receivers, { name: "sns", sns: [{ topicArn, region: "us-west-2" }] }] } }),
    );
    const role = recorder.ofType("aws:iam/role:Role").find((r) => recorder.inputsOf(r).assumeRolePolicy.includes("serviceaccount:monitoring:alertmanager"));
    expect(role).toBeDefined();
    const policy = recorder.ofType("aws:iam/rolePolicy:RolePolicy").map((p) => recorder.inputsOf(p).policy).find((p) => p.includes("sns:Publish"));
    expect(JSON.parse(policy).Statement[0].Resource).toEqual([topicArn]);
    const values = recorder.inputsOf(releaseNamed(recorder, "kube-prometheus-stack")).values;
    if (!preview) expect(values.alertmanager.serviceAccount.annotations["eks.amazonaws.com/role-arn"]).toMatch(/^arn:aws:iam::/);
  });

  test("every child is named after the component and every AWS resource is in the provider's region", async () => {
    const recorder = prod;
    const component = recorder.one("production-platform:monitoring:MonitoringStack");
    const descendants = recorder.descendantsOf(component.urn);
    expect(descendants.length).toBeGreaterThan(20);
    for (const r of descendants) {
      expect(r.name.startsWith("usw2-monitoring-")).toBe(true);
      if (r.type.startsWith("aws:")) expect(recorder.regionOf(r)).toBe("us-west-2");
      if (r.type.startsWith("kubernetes:") && r.custom) expect(recorder.providerOf(r)?.type).toBe("pulumi:providers:kubernetes");
    }
  });
});

describe("MonitoringStack validation", () => {
  const receivers = baseArgs().alertReceivers;
  test.each<[string, Partial<MonitoringStackArgs>, RegExp]>([
    ["unknown region", { region: "mars-1" }, /region: got "mars-1".*known AWS region/],
    ["bad environment", { environment: "qa" as any }, /environment: got "qa"/],
    ["one Prometheus in prod", { prometheus: { replicas: 1 } }, /prometheus\.replicas: got 1.*set replicas to 2/],
    ["objective too low to page", { slos: [{ name: "checkout", objective: 90 }] }, /slos\[0\]\.objective: got 90.*14\.4× burn/],
    ["objective of 100", { slos: [{ name: "checkout", objective: 100 }] }, /slos\[0\]\.objective: got 100/],
    ["duplicate SLO", { slos: [{ name: "checkout" }, { name: "checkout" }] }, /slos\[1\]\.name: got "checkout".*no other SLO/],
    ["bad SLO name", { slos: [{ name: "Checkout_API" }] }, /slos\[0\]\.name: got "Checkout_API".*DNS label/],
    ["custom query without window", { slos: [{ name: "x", events: { errors: "sum(rate(e[5m]))", total: "sum(rate(t[{{window}}]))" } }] }, /slos\[0\]\.events\.errors.*\{\{window\}\}/],
    ["bad selector", { slos: [{ name: "x", selector: "{service='x'}" }] }, /slos\[0\]\.selector/],
    ["route to missing receiver", { alertReceivers: { ...receivers, critical: "nobody" } }, /alertReceivers\.critical: got "nobody".*"oncall", "tickets"/],
    ["sampling above 100", { tracing: { samplingPercentage: 150 } }, /tracing\.samplingPercentage: got 150/],
    ["log retention CloudWatch rejects", { logging: { retentionDays: 45 } }, /logging\.retentionDays: got 45.*nearest allowed value/],
    ["alarm threshold out of range", { alarms: { nodeCpuPercent: 120 } }, /alarms\.nodeCpuPercent: got 120/],
  ])("%s", (_label, overrides, message) => {
    installMockRuntime({ preview: true });
    let error: unknown;
    try {
      new MonitoringStack("m", baseArgs(overrides));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as Error).message).toMatch(message);
  });

  test("reports every problem at once, before registering anything", async () => {
    const recorder = installMockRuntime({ preview: true });
    expect(() => new MonitoringStack("m", baseArgs({ region: "mars-1", prometheus: { replicas: 0 }, tracing: { samplingPercentage: 0 } }))).toThrow(
      /3 problems/,
    );
    await settle();
    // Validation runs before the base constructor: not even the component itself is registered.
    expect(recorder.resources.map((r) => r.type)).toEqual([]);
  });
});

const promtool = toolAvailability("promtool", "prometheus");
(promtool.path ? describe : describe.skip)("PrometheusRule objects in the plan", () => {
  test("their spec.groups, extracted into a rules file, pass promtool check rules", async () => {
    const recorder = await deploy(false, baseArgs());
    const groups = recorder.ofType(PROMETHEUS_RULE).flatMap((r) => recorder.inputsOf(r).spec.groups);
    expect(groups.length).toBe(6);
    const dir = tempDir("plan-rules-");
    try {
      const file = writeYaml(dir, "plan.rules.yaml", { groups });
      const result = run(promtool.path as string, ["check", "rules", file], dir);
      expect(result.output).toContain("SUCCESS");
      expect(result.status).toBe(0);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
