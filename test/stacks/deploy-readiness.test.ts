/**
 * Issue 15: what a real `pulumi up --stack prod` needs that the mocks cannot see, read from the recorded resources
 * and manifests of the committed stacks (the same plans every other stack test reads). Each block fails on the
 * code before the fix: no access path to the private API, account singletons in every environment, no default
 * StorageClass, egress limited to DNS, no metrics-server, quotas of 8 CPU for services that peak at 38 pods, lag
 * alarms on a dimension set Aurora never publishes, fixed final snapshot ids, secrets outside the ESO prefix.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as YAML from "yaml";
import { planFor, readTree, ROOT } from "../support/plans";

const prod = planFor("prod");
const account = planFor("account");
const resources: any[] = prod.resources;
const byType = (list: any[], type: string) => list.filter((r) => r.type === type);
const byUrn = new Map(resources.map((r) => [r.urn, r]));
const regionOf = (r: any) => byUrn.get(r.provider)?.props.region;
const manifests = [...readTree(path.join(prod.dir, "manifests")).entries()].map(([file, text]) => ({ file, object: YAML.parse(text) }));
const objects = (kind: string, namespace?: string) =>
  manifests.filter((m) => m.object.kind === kind && (namespace === undefined || m.object.metadata.namespace === namespace)).map((m) => ({ ...m.object, cluster: m.file.split("/")[0], file: m.file }));
const CLUSTERS = ["euw1-k8s", "use1-k8s", "usw2-k8s"];
const DEPLOYER = "203.0.113.0/24";

test("the prod and account plans exit 0", () => {
  expect({ prod: prod.exitCode, account: account.exitCode }).toEqual({ prod: 0, account: 0 });
});

describe("1. the EKS API is reachable from the deployer network", () => {
  const clusters = byType(resources, "aws:eks/cluster:Cluster");

  test.each(clusters.map((c) => [regionOf(c), c]))("%s: 443 on the cluster security group from exactly the declared range", (region, c: any) => {
    const rules = byType(resources, "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule").filter((r) => regionOf(r) === region && r.props.fromPort === 443 && r.props.cidrIpv4 !== undefined);
    expect(rules.map((r) => [r.props.cidrIpv4, r.props.toPort, r.props.ipProtocol])).toEqual([[DEPLOYER, 443, "tcp"]]);
    // The rule sits on the security group EKS attaches to the control-plane ENIs of this cluster (read from it).
    expect(rules[0].options.dependsOn).toContain(c.urn);
    expect(rules[0].props.securityGroupId).toMatch(/^sg-/);
  });

  test.each(["us-east-1", "us-west-2", "eu-west-1"])("%s: the VPC is attached to the transit gateway and routes the range back from every private route table", (region) => {
    const attachments = byType(resources, "aws:ec2transitgateway/vpcAttachment:VpcAttachment").filter((a) => regionOf(a) === region);
    expect(attachments).toHaveLength(1);
    expect(attachments[0].props.subnetIds).toHaveLength(3);
    const routes = byType(resources, "aws:ec2/route:Route").filter((r) => regionOf(r) === region && r.props.destinationCidrBlock === DEPLOYER);
    expect(routes).toHaveLength(3);
    for (const route of routes) expect(route.props.transitGatewayId).toBe(attachments[0].props.transitGatewayId);
  });

  test("the endpoints stay private (the mandatory prod packs refuse a public one)", () => {
    for (const c of clusters) expect(c.props.vpcConfig).toMatchObject({ endpointPrivateAccess: true, endpointPublicAccess: false });
  });

  test("a prod stack without an access path exits 2 naming the key, the value and the fix, and writes nothing", () => {
    const project = fs.mkdtempSync(path.join(os.tmpdir(), "no-api-access-"));
    const pulumiYaml = YAML.parse(fs.readFileSync(path.join(ROOT, "Pulumi.yaml"), "utf8"));
    pulumiYaml.main = path.join(ROOT, "stacks", "index.ts");
    fs.writeFileSync(path.join(project, "Pulumi.yaml"), YAML.stringify(pulumiYaml));
    const stack = YAML.parse(fs.readFileSync(path.join(ROOT, "Pulumi.prod.yaml"), "utf8"));
    delete stack.config["production-platform:clusterApiAccess"];
    fs.writeFileSync(path.join(project, "Pulumi.prod.yaml"), YAML.stringify(stack));
    const out = path.join(project, "out");
    const result = spawnSync(process.execPath, [path.join(ROOT, "bin", "production-platform.js"), "plan", "--stack", "prod", "--program", project, "--out", out, "--no-policy"], { cwd: ROOT, encoding: "utf8", timeout: 240_000 });
    const text = `${result.stdout}${result.stderr}`;
    expect(result.status).toBe(2);
    expect(text).toMatch(/production-platform:clusterApiAccess: got undefined; expected an access path from where pulumi up runs to the EKS API/);
    expect(text).toContain("Fix: pulumi config set --path 'production-platform:clusterApiAccess.cidrs[0]'");
    expect(text).not.toMatch(/^\s+at /m);
    expect(fs.existsSync(path.join(out, "resources.json"))).toBe(false);
  });

  test("each Kubernetes provider waits for its API access rule", () => {
    for (const provider of byType(resources, "pulumi:providers:kubernetes")) {
      const code = provider.name.replace(/-k8s$/, "");
      expect(provider.options.dependsOn).toEqual(expect.arrayContaining([expect.stringContaining(`${code}-api-from-203-0-113-0-24`)]));
    }
  });
});

describe("2. account-wide singletons live only in the account stack", () => {
  const SINGLETONS = [
    "aws:guardduty/detector:Detector",
    "aws:securityhub/account:Account",
    "aws:securityhub/standardsSubscription:StandardsSubscription",
    "aws:accessanalyzer/analyzer:Analyzer",
    "aws:s3/accountPublicAccessBlock:AccountPublicAccessBlock",
    "aws:ebs/encryptionByDefault:EncryptionByDefault",
    "aws:cfg/recorder:Recorder",
  ];

  test.each(["dev", "staging", "prod"])("the %s stack owns none of them", (stack) => {
    const owned = planFor(stack).resources.filter((r: any) => SINGLETONS.includes(r.type)).map((r: any) => r.urn);
    expect(owned).toEqual([]);
  });

  test("the account stack has one of each per region (the account-level ones once), all protected", () => {
    const accountResources: any[] = account.resources;
    const accountUrn = new Map(accountResources.map((r) => [r.urn, r]));
    const regions = (type: string) => byType(accountResources, type).map((r) => accountUrn.get(r.provider)?.props.region).sort();
    const all = ["eu-west-1", "us-east-1", "us-west-2"];
    for (const type of SINGLETONS.filter((t) => !t.includes("accountPublicAccessBlock"))) expect({ type, regions: regions(type) }).toEqual({ type, regions: all });
    expect(regions("aws:s3/accountPublicAccessBlock:AccountPublicAccessBlock")).toEqual(["us-east-1"]);
    expect(byType(accountResources, "aws:eks/cluster:Cluster")).toEqual([]);
    for (const key of byType(accountResources, "aws:kms/key:Key")) expect(key.options.protect).toBe(true);
  });
});

describe("3. volumes bind: a default encrypted gp3 StorageClass and monitoring volumes on it", () => {
  test.each(CLUSTERS)("%s has exactly one default StorageClass: gp3, encrypted with the cluster key, bound at scheduling", (cluster) => {
    const defaults = objects("StorageClass").filter((s) => s.cluster === cluster && s.metadata.annotations?.["storageclass.kubernetes.io/is-default-class"] === "true");
    expect(defaults).toHaveLength(1);
    expect(defaults[0]).toMatchObject({ provisioner: "ebs.csi.aws.com", volumeBindingMode: "WaitForFirstConsumer", parameters: { type: "gp3", encrypted: "true" } });
    // The offline runtime names a key's ARN after the key resource: this is the cluster's own key.
    expect(defaults[0].parameters.kmsKeyId).toMatch(new RegExp(`^arn:aws:kms:[a-z0-9-]+:\\d{12}:key/${cluster.replace(/-k8s$/, "")}-eks-`));
  });

  test("the EBS CSI role may use the cluster key (the managed policy grants nothing on customer keys)", () => {
    const policies = byType(resources, "aws:iam/rolePolicy:RolePolicy").filter((p) => p.name.endsWith("-ebs-csi"));
    expect(policies).toHaveLength(3);
    for (const p of policies) expect(JSON.parse(p.props.policy).Statement.flatMap((s: any) => s.Action)).toEqual(expect.arrayContaining(["kms:CreateGrant", "kms:GenerateDataKey*", "kms:Decrypt"]));
  });

  test("Prometheus and Alertmanager claim the default class by name", () => {
    for (const release of byType(resources, "kubernetes:helm.sh/v3:Release").filter((r) => r.props.chart === "kube-prometheus-stack")) {
      expect(release.props.values.prometheus.prometheusSpec.storageSpec.volumeClaimTemplate.spec.storageClassName).toBe("gp3-encrypted");
      expect(release.props.values.alertmanager.alertmanagerSpec.storage.volumeClaimTemplate.spec.storageClassName).toBe("gp3-encrypted");
    }
  });
});

describe("4. tenant egress follows the declared calls, the data tier and the VPC endpoints; default-deny stays", () => {
  const egress = (namespace: string, cluster: string) => objects("NetworkPolicy", namespace).filter((p) => p.cluster === cluster && p.spec.policyTypes.includes("Egress"));

  test.each(CLUSTERS)("%s: storefront may call checkout on its port, and nothing else in payments", (cluster) => {
    const calls = egress("storefront", cluster).flatMap((p) => p.spec.egress ?? []).filter((e: any) => e.to?.some((t: any) => t.namespaceSelector?.matchLabels?.["kubernetes.io/metadata.name"] === "payments"));
    expect(calls).toEqual([{ to: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "payments" } }, podSelector: { matchLabels: { "app.kubernetes.io/name": "checkout" } } }], ports: [{ port: 8080, protocol: "TCP" }, { port: 15008, protocol: "TCP" }] }]);
    // 15008: in the ambient mesh the call leaves the pod towards checkout's HBONE port.
  });

  test.each(CLUSTERS)("%s: payments reaches Aurora (5432) and Redis (6379) in the private subnets, and every tenant the endpoints on 443", (cluster) => {
    const code = cluster.replace(/-k8s$/, "");
    const privateCidrs = byType(resources, "aws:ec2/subnet:Subnet").filter((s) => s.name.startsWith(`${code}-private-`)).map((s) => s.props.cidrBlock).sort();
    expect(privateCidrs).toHaveLength(3);
    const rule = (namespace: string, port: number) =>
      egress(namespace, cluster).flatMap((p) => p.spec.egress ?? []).find((e: any) => e.ports?.some((p: any) => p.port === port) && e.to?.every((t: any) => t.ipBlock));
    for (const [namespace, port] of [["payments", 5432], ["payments", 6379], ["payments", 443], ["storefront", 443]] as const) {
      expect({ namespace, port, cidrs: rule(namespace, port)?.to.map((t: any) => t.ipBlock.cidr).sort() }).toEqual({ namespace, port, cidrs: privateCidrs });
    }
    // storefront declares no data store: no database egress.
    expect(rule("storefront", 5432)).toBeUndefined();
  });

  test.each(CLUSTERS)("%s: default-deny is still in every tenant namespace", (cluster) => {
    for (const ns of ["payments", "storefront"]) {
      expect(objects("NetworkPolicy", ns).filter((p) => p.cluster === cluster && p.metadata.name === "default-deny-all" && Object.keys(p.spec.podSelector).length === 0)).toHaveLength(1);
    }
  });
});

describe("5. HPAs get resource metrics: metrics-server in HA", () => {
  test.each(["euw1", "use1", "usw2"])("%s: a pinned metrics-server release with 2 replicas, a PDB and spread over nodes and zones", (code) => {
    const release = byType(resources, "kubernetes:helm.sh/v3:Release").find((r) => r.name === `${code}-metrics-server`);
    expect(release).toMatchObject({ props: { chart: "metrics-server", namespace: "kube-system", version: expect.stringMatching(/^\d+\.\d+\.\d+$/) } });
    expect(release.props.values).toMatchObject({ replicas: 2, podDisruptionBudget: { enabled: true, minAvailable: 1 } });
    expect(release.props.values.topologySpreadConstraints.map((c: any) => c.topologyKey).sort()).toEqual(["kubernetes.io/hostname", "topology.kubernetes.io/zone"]);
    expect(release.props.values.resources.limits.memory).toBeDefined();
  });
});

describe("6. tenant quotas hold the services at maxReplicas plus rollout surge", () => {
  const cpu = (q: string) => (q.endsWith("m") ? Number(q.slice(0, -1)) / 1000 : Number(q));
  const mi = (q: string) => (q.endsWith("Gi") ? Number(q.slice(0, -2)) * 1024 : Number(q.replace(/Mi$/, "")));

  test.each(CLUSTERS)("%s: Σ peak pods × container limits of each namespace fit its quota", (cluster) => {
    for (const ns of ["payments", "storefront"]) {
      const [quota] = objects("ResourceQuota", ns).filter((q) => q.cluster === cluster);
      let pods = 0, limitsCpu = 0, limitsMemory = 0;
      for (const hpa of objects("HorizontalPodAutoscaler", ns).filter((h) => h.cluster === cluster)) {
        const [deployment] = objects("Deployment", ns).filter((d) => d.cluster === cluster && d.metadata.name === hpa.spec.scaleTargetRef.name);
        const surge = Math.ceil((hpa.spec.maxReplicas * Number(String(deployment.spec.strategy.rollingUpdate.maxSurge).replace("%", ""))) / 100);
        const peak = hpa.spec.maxReplicas + surge;
        const limits = deployment.spec.template.spec.containers.map((c: any) => c.resources.limits);
        pods += peak;
        limitsCpu += peak * limits.reduce((a: number, l: any) => a + cpu(l.cpu), 0);
        limitsMemory += peak * limits.reduce((a: number, l: any) => a + mi(l.memory), 0);
      }
      expect(pods).toBeGreaterThan(0);
      expect({ ns, fits: [pods <= Number(quota.spec.hard.pods), limitsCpu <= cpu(quota.spec.hard["limits.cpu"]), limitsMemory <= mi(quota.spec.hard["limits.memory"])] }).toEqual({ ns, fits: [true, true, true] });
    }
  });
});

describe("10. database credentials reach the tenants that declare them", () => {
  test("the Aurora and Redis secrets are named under the prefix the External Secrets role may read", () => {
    const names = byType(resources, "aws:secretsmanager/secret:Secret").filter((s) => /aurora-master|redis-auth/.test(s.name)).map((s) => s.props.name);
    expect(names.sort()).toEqual(["platform/prod/data-aurora/master", "platform/prod/data-redis/auth"]);
    for (const policy of byType(resources, "aws:iam/policy:Policy").concat(byType(resources, "aws:iam/rolePolicy:RolePolicy")).filter((p) => p.name.includes("external-secrets"))) {
      const resourcesAllowed = JSON.parse(policy.props.policy).Statement.filter((s: any) => String(s.Action).includes("secretsmanager")).map((s: any) => s.Resource);
      for (const r of resourcesAllowed) expect(r).toMatch(/:secret:platform\/prod\/\*$/);
    }
  });

  test.each(CLUSTERS)("%s: payments gets an ExternalSecret per data store and mounts it; its namespace is admitted by the store", (cluster) => {
    const secrets = objects("ExternalSecret", "payments").filter((s) => s.cluster === cluster);
    expect(secrets.map((s) => [s.metadata.name, s.spec.dataFrom[0].extract.key, s.spec.secretStoreRef.kind]).sort()).toEqual([
      ["postgres-credentials", "platform/prod/data-aurora/master", "ClusterSecretStore"],
      ["redis-credentials", "platform/prod/data-redis/auth", "ClusterSecretStore"],
    ]);
    // The Namespace itself, not ServiceMesh's NamespacePatch that adds the ambient label to it.
    const [namespace] = objects("Namespace").filter((n) => n.cluster === cluster && n.metadata.name === "payments" && !n.file.endsWith(".patch.yaml"));
    expect(namespace.metadata.labels["production-platform/external-secrets"]).toBe("true");
    const [deployment] = objects("Deployment", "payments").filter((d) => d.cluster === cluster);
    expect(deployment.spec.template.spec.volumes.map((v: any) => v.secret?.secretName).filter(Boolean).sort()).toEqual(["postgres-credentials", "redis-credentials"]);
    expect(objects("ExternalSecret", "storefront")).toEqual([]);
  });
});

describe("13. Aurora lag alarms watch series Aurora publishes; final snapshots never collide", () => {
  const alarms = byType(resources, "aws:cloudwatch/metricAlarm:MetricAlarm").filter((a) => ["AuroraGlobalDBRPOLag", "AuroraGlobalDBReplicationLag"].includes(a.props.metricName));

  test("one per metric per secondary, on DBClusterIdentifier + SourceRegion (the primary), missing data notified not breaching", () => {
    expect(alarms).toHaveLength(4);
    for (const a of alarms) {
      expect(Object.keys(a.props.dimensions).sort()).toEqual(["DBClusterIdentifier", "SourceRegion"]);
      expect(a.props.dimensions.SourceRegion).toBe("us-east-1");
      expect(regionOf(a)).not.toBe("us-east-1");
      expect(a.props.treatMissingData).toBe("missing");
      expect(a.props.insufficientDataActions).toHaveLength(1);
    }
  });

  test("final snapshot ids carry a random suffix created with the cluster", () => {
    const ids = [...byType(resources, "aws:rds/cluster:Cluster"), ...byType(resources, "aws:elasticache/replicationGroup:ReplicationGroup")].map((c) => c.props.finalSnapshotIdentifier).filter(Boolean);
    expect(ids.length).toBeGreaterThanOrEqual(4);
    for (const id of ids) expect(id).toMatch(/-final-[0-9a-f]{8}$/);
    expect(byType(resources, "random:index/randomId:RandomId").filter((r) => r.name.endsWith("-final-snapshot")).length).toBe(ids.length);
  });
});

describe("7. the monitoring namespace fits its charts at the node ceiling", () => {
  const cpu = (q: string) => (q.endsWith("m") ? Number(q.slice(0, -1)) / 1000 : Number(q));
  const release = byType(resources, "kubernetes:helm.sh/v3:Release").find((r) => r.name === "use1-monitoring-kube-prometheus-stack");

  test("every kube-prometheus-stack container has explicit requests and limits; Prometheus is not left at the LimitRange default", () => {
    const v = release.props.values;
    for (const res of [v.prometheus.prometheusSpec.resources, v.alertmanager.alertmanagerSpec.resources, v.prometheusOperator.resources, v.prometheusOperator.prometheusConfigReloader.resources, v["kube-state-metrics"].resources, v["prometheus-node-exporter"].resources, v.grafana.resources, v.grafana.sidecar.resources]) {
      expect(res).toMatchObject({ requests: { cpu: expect.any(String), memory: expect.any(String) }, limits: { cpu: expect.any(String), memory: expect.any(String) } });
    }
    expect(v.prometheus.prometheusSpec.resources.limits.memory).not.toBe("512Mi");
  });

  test("Fluent Bit and both OpenTelemetry collectors set their resources", () => {
    for (const name of ["use1-monitoring-logging-fluent-bit", "use1-monitoring-tracing-agent", "use1-monitoring-tracing-gateway"]) {
      expect(byType(resources, "kubernetes:helm.sh/v3:Release").find((r) => r.name === name).props.values.resources.limits).toBeDefined();
    }
  });

  test("the quota holds three DaemonSet pods on each of the most nodes the node groups allow (10 per zone × 3)", () => {
    const [quota] = objects("ResourceQuota", "monitoring").filter((q) => q.cluster === "use1-k8s");
    const maxNodes = 30;
    const daemonSets = ["prometheus-node-exporter", "otelAgent", "fluentBit"];
    expect(Number(quota.spec.hard.pods)).toBeGreaterThanOrEqual(daemonSets.length * maxNodes);
    const perNodeLimits = cpu(release.props.values["prometheus-node-exporter"].resources.limits.cpu) +
      cpu(byType(resources, "kubernetes:helm.sh/v3:Release").find((r) => r.name === "use1-monitoring-logging-fluent-bit").props.values.resources.limits.cpu) +
      cpu(byType(resources, "kubernetes:helm.sh/v3:Release").find((r) => r.name === "use1-monitoring-tracing-agent").props.values.resources.limits.cpu);
    expect(cpu(quota.spec.hard["limits.cpu"])).toBeGreaterThan(perNodeLimits * maxNodes);
  });
});

describe("9. Container Insights alarms have a data source", () => {
  test.each(["euw1", "use1", "usw2"])("%s: the amazon-cloudwatch-observability add-on, pinned, with its own IRSA role", (code) => {
    const addon = byType(resources, "aws:eks/addon:Addon").find((a) => a.name === `${code}-amazon-cloudwatch-observability`);
    expect(addon.props.addonVersion).toMatch(/^v\d+\.\d+\.\d+-eksbuild\.\d+$/);
    expect(addon.props.serviceAccountRoleArn).toMatch(/cloudwatch-agent/);
    const role = byType(resources, "aws:iam/role:Role").find((r) => r.name === `${code}-cloudwatch-agent`);
    expect(JSON.stringify(JSON.parse(role.props.assumeRolePolicy))).toContain("system:serviceaccount:amazon-cloudwatch:cloudwatch-agent");
    expect(byType(resources, "aws:cloudwatch/metricAlarm:MetricAlarm").some((a) => regionOf(a) === regionOf(addon) && a.props.namespace === "ContainerInsights")).toBe(true);
  });
});

describe("12. the public name is an alias record inside its zone", () => {
  test("every routing record for app.example.com is an alias A record in the same zone, no CNAME", () => {
    const records = byType(resources, "aws:route53/record:Record").filter((r) => r.props.name === "app.example.com" && r.props.setIdentifier);
    expect(records).toHaveLength(3);
    for (const r of records) {
      expect(r.props.type).toBe("A");
      expect(r.props.records).toBeUndefined();
    }
  });

  // The first-deploy race: an alias to the regional record external-dns writes fails on the first `up` (Route 53
  // refuses an alias whose target does not exist yet). The alias targets the region's ALB itself, read from the
  // Ingress status the provider awaits, with the ALB's canonical zone, and the record depends on that Ingress.
  const ALB_ZONES: Record<string, string> = { "us-east-1": "Z35SXDOTRQ7X7K", "us-west-2": "Z1H1FL5HABSF5", "eu-west-1": "Z32O12XQLNTSW2" };
  test.each(Object.keys(ALB_ZONES))("%s: the alias targets the region's ALB and waits for the Ingress that creates it", (region) => {
    const record = byType(resources, "aws:route53/record:Record").find((r) => r.props.name === "app.example.com" && r.props.setIdentifier === region);
    const ingresses = byType(resources, "kubernetes:networking.k8s.io/v1:Ingress").filter((i) => record.options.dependsOn.includes(i.urn));
    expect(ingresses).toHaveLength(1);
    expect(ingresses[0].urn).toContain(`${byUrn.get(record.options.dependsOn.find((u: string) => u.includes("HealthCheck")))?.name.replace("global-hc-", "")}-ingress-`);
    expect(record.props.aliases).toEqual([{ name: expect.stringMatching(/^k8s-.*\.elb\.amazonaws\.com$/), zoneId: ALB_ZONES[region], evaluateTargetHealth: true }]);
    // Health checks still probe the regional name, which the ALB's host rules answer.
    const check = byUrn.get(record.options.dependsOn.find((u: string) => u.includes("HealthCheck")));
    expect(check.props.fqdn).toBe(`ingress.${region}.app.example.com`);
  });
});

describe("8. AWS Config records in every region of the account stack (global types in the primary only)", () => {
  const accountResources: any[] = account.resources;
  const accountUrn = new Map(accountResources.map((r) => [r.urn, r]));
  const regionOfAccount = (r: any) => accountUrn.get(r.provider)?.props.region;

  test("one recorder per region, enabled, delivering to a KMS-encrypted bucket", () => {
    const recorders = byType(accountResources, "aws:cfg/recorder:Recorder");
    expect(recorders.map((r) => [regionOfAccount(r), r.props.recordingGroup.allSupported, r.props.recordingGroup.includeGlobalResourceTypes]).sort()).toEqual([
      ["eu-west-1", true, false],
      ["us-east-1", true, true],
      ["us-west-2", true, false],
    ]);
    expect(byType(accountResources, "aws:cfg/recorderStatus:RecorderStatus").map((s) => s.props.isEnabled)).toEqual([true, true, true]);
    for (const channel of byType(accountResources, "aws:cfg/deliveryChannel:DeliveryChannel")) expect(channel.props.s3KmsKeyArn).toMatch(/^arn:aws:kms:/);
  });

  test("each region's CIS subscription is created after that region's recording is switched on", () => {
    const standards = byType(accountResources, "aws:securityhub/standardsSubscription:StandardsSubscription");
    expect(standards).toHaveLength(3);
    for (const standard of standards) {
      const statuses = byType(accountResources, "aws:cfg/recorderStatus:RecorderStatus").filter((s) => regionOfAccount(s) === regionOfAccount(standard));
      expect(statuses).toHaveLength(1);
      expect(standard.options.dependsOn).toContain(statuses[0].urn);
    }
  });
});
