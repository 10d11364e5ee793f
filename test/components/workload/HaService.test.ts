import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { HaService, HaServiceArgs, HPA_BEHAVIOR } from "../../../components/workload";
import { ValidationError } from "../../../components/shared/validation";
import { installMockRuntime, ResourceRecorder, settle } from "../../../src/testing/mocks";

const T = {
  component: "production-platform:workload:HaService",
  deployment: "kubernetes:apps/v1:Deployment",
  statefulSet: "kubernetes:apps/v1:StatefulSet",
  service: "kubernetes:core/v1:Service",
  serviceAccount: "kubernetes:core/v1:ServiceAccount",
  pdb: "kubernetes:policy/v1:PodDisruptionBudget",
  hpa: "kubernetes:autoscaling/v2:HorizontalPodAutoscaler",
  netpol: "kubernetes:networking.k8s.io/v1:NetworkPolicy",
};

const PROD: HaServiceArgs = {
  namespace: "payments",
  appName: "checkout",
  image: "ghcr.io/acme/checkout:1.4.2",
  port: 8080,
  environment: "prod",
  autoscaling: { minReplicas: 3, maxReplicas: 20 },
  probes: { liveness: { httpPath: "/livez" }, readiness: { httpPath: "/readyz" }, startup: { tcp: true } },
  allowedCallers: [{ namespace: "storefront", podLabels: { "app.kubernetes.io/name": "frontend" } }, { namespace: "monitoring" }],
};

function valueOf<T>(output: pulumi.Output<T>): Promise<T> {
  return new Promise((resolve) => output.apply((v) => resolve(v)));
}

async function deploy(preview: boolean, args: HaServiceArgs, name = "use1-checkout"): Promise<{ rec: ResourceRecorder; svc: HaService }> {
  const rec = installMockRuntime({ preview, project: "platform", stack: "prod" });
  const provider = new k8s.Provider("use1-cluster", { kubeconfig: "{}" });
  const svc = new HaService(name, args, { provider });
  await settle();
  return { rec, svc };
}

describe.each([true, false])("HaService (preview=%s)", (preview) => {
  test("creates every object under the component, on the cluster provider, with explicit name, namespace and labels", async () => {
    const { rec } = await deploy(preview, PROD);
    const component = rec.one(T.component);
    const children = rec.childrenOf(component.urn);
    expect(children.map((c) => c.type).sort()).toEqual([T.deployment, T.hpa, T.netpol, T.pdb, T.service, T.serviceAccount].sort());
    for (const child of children) {
      const { metadata } = rec.inputsOf(child);
      expect(metadata.name).toBe("checkout");
      expect(metadata.namespace).toBe("payments");
      expect(metadata.labels).toEqual({
        "app.kubernetes.io/name": "checkout",
        "app.kubernetes.io/instance": "checkout",
        "app.kubernetes.io/part-of": "payments",
        "app.kubernetes.io/managed-by": "pulumi",
      });
      expect(rec.providerOf(child)?.name).toBe("use1-cluster");
    }
  });

  test("omits spec.replicas on the Deployment when the HPA owns it", async () => {
    const { rec } = await deploy(preview, PROD);
    const spec = rec.inputsOf(rec.one(T.deployment)).spec;
    expect(spec).not.toHaveProperty("replicas");
    expect(spec.strategy).toEqual({ type: "RollingUpdate", rollingUpdate: { maxSurge: "25%", maxUnavailable: 0 } });
  });

  test("keeps a fixed replica count and creates no HPA when autoscaling is off", async () => {
    const { rec } = await deploy(preview, { ...PROD, autoscaling: false, replicas: 4 });
    expect(rec.inputsOf(rec.one(T.deployment)).spec.replicas).toBe(4);
    expect(rec.ofType(T.hpa)).toHaveLength(0);
  });

  test("spreads pods over zones (hard in prod) and nodes (soft)", async () => {
    const { rec } = await deploy(preview, PROD);
    const spread = rec.inputsOf(rec.one(T.deployment)).spec.template.spec.topologySpreadConstraints;
    const selector = { matchLabels: { "app.kubernetes.io/name": "checkout", "app.kubernetes.io/instance": "checkout" } };
    expect(spread).toEqual([
      { maxSkew: 1, topologyKey: "topology.kubernetes.io/zone", whenUnsatisfiable: "DoNotSchedule", labelSelector: selector, matchLabelKeys: ["pod-template-hash"] },
      { maxSkew: 1, topologyKey: "kubernetes.io/hostname", whenUnsatisfiable: "ScheduleAnyway", labelSelector: selector, matchLabelKeys: ["pod-template-hash"] },
    ]);
  });

  test("relaxes the zone spread outside prod and pins zones with node affinity when given", async () => {
    const { rec } = await deploy(preview, { ...PROD, environment: "dev", zones: ["us-east-1a", "us-east-1b"] });
    const pod = rec.inputsOf(rec.one(T.deployment)).spec.template.spec;
    expect(pod.topologySpreadConstraints[0].whenUnsatisfiable).toBe("ScheduleAnyway");
    expect(pod.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms).toEqual([
      { matchExpressions: [{ key: "topology.kubernetes.io/zone", operator: "In", values: ["us-east-1a", "us-east-1b"] }] },
    ]);
  });

  test("sets probes, a preStop sleep shorter than the grace period, and the restricted security context", async () => {
    const { rec } = await deploy(preview, PROD);
    const pod = rec.inputsOf(rec.one(T.deployment)).spec.template.spec;
    const [container] = pod.containers;
    expect(container.image).toBe("ghcr.io/acme/checkout:1.4.2");
    expect(container.ports).toEqual([{ name: "http", containerPort: 8080, protocol: "TCP" }]);
    expect(container.livenessProbe.httpGet).toEqual({ path: "/livez", port: "http", scheme: "HTTP" });
    expect(container.readinessProbe.httpGet).toEqual({ path: "/readyz", port: "http", scheme: "HTTP" });
    expect(container.startupProbe.tcpSocket).toEqual({ port: "http" });
    expect(container.startupProbe.failureThreshold * container.startupProbe.periodSeconds).toBe(300);
    expect(container.lifecycle.preStop).toEqual({ sleep: { seconds: 15 } });
    expect(pod.terminationGracePeriodSeconds).toBe(45);
    expect(pod.securityContext).toEqual({
      runAsNonRoot: true,
      runAsUser: 10001,
      runAsGroup: 10001,
      fsGroup: 10001,
      seccompProfile: { type: "RuntimeDefault" },
    });
    expect(container.securityContext).toEqual({
      runAsNonRoot: true,
      runAsUser: 10001,
      allowPrivilegeEscalation: false,
      privileged: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ["ALL"] },
      seccompProfile: { type: "RuntimeDefault" },
    });
    expect(container.volumeMounts).toContainEqual({ name: "tmp", mountPath: "/tmp" });
    expect(pod.volumes).toContainEqual({ name: "tmp", emptyDir: { sizeLimit: "256Mi" } });
    // Ephemeral storage is requested (wr-ephemeral-storage-requests) and its limit covers the 256Mi /tmp emptyDir.
    expect(container.resources).toEqual({ requests: { cpu: "250m", memory: "256Mi", "ephemeral-storage": "256Mi" }, limits: { cpu: "1", memory: "512Mi", "ephemeral-storage": "1Gi" } });
  });

  test("runs as its own ServiceAccount without an API token unless asked", async () => {
    const { rec } = await deploy(preview, { ...PROD, serviceAccount: { annotations: { "eks.amazonaws.com/role-arn": "arn:aws:iam::123456789012:role/checkout" } } });
    const sa = rec.inputsOf(rec.one(T.serviceAccount));
    expect(sa.automountServiceAccountToken).toBe(false);
    expect(sa.metadata.annotations).toEqual({ "eks.amazonaws.com/role-arn": "arn:aws:iam::123456789012:role/checkout" });
    const pod = rec.inputsOf(rec.one(T.deployment)).spec.template.spec;
    expect(pod.serviceAccountName).toBe("checkout");
    expect(pod.automountServiceAccountToken).toBe(false);
    const deploy2 = rec.one(T.deployment);
    expect(deploy2.options.dependsOn).toContain(rec.one(T.serviceAccount).urn);
  });

  test("reads secrets by reference only: secretKeyRef env and read-only mounted files", async () => {
    const { rec } = await deploy(preview, {
      ...PROD,
      env: { LOG_LEVEL: "info" },
      secretEnv: [{ name: "DB_PASSWORD", secretName: "checkout-db", key: "password" }],
      secretFiles: [{ secretName: "checkout-tls", mountPath: "/etc/tls" }],
    });
    const pod = rec.inputsOf(rec.one(T.deployment)).spec.template.spec;
    const [container] = pod.containers;
    expect(container.env).toEqual([
      { name: "LOG_LEVEL", value: "info" },
      { name: "DB_PASSWORD", valueFrom: { secretKeyRef: { name: "checkout-db", key: "password" } } },
    ]);
    expect(container.volumeMounts).toContainEqual({ name: "secret-0", mountPath: "/etc/tls", readOnly: true });
    expect(pod.volumes).toContainEqual({ name: "secret-0", secret: { secretName: "checkout-tls", defaultMode: 0o440 } });
  });

  test("PodDisruptionBudget (policy/v1) selects the pods and allows one disruption", async () => {
    const { rec } = await deploy(preview, PROD);
    expect(rec.inputsOf(rec.one(T.pdb)).spec).toEqual({
      selector: { matchLabels: { "app.kubernetes.io/name": "checkout", "app.kubernetes.io/instance": "checkout" } },
      maxUnavailable: 1,
      unhealthyPodEvictionPolicy: "AlwaysAllow",
    });
  });

  test("HPA (autoscaling/v2) targets the Deployment with CPU 70 %, memory 80 % and exactly the seed behaviour", async () => {
    const { rec } = await deploy(preview, PROD);
    const spec = rec.inputsOf(rec.one(T.hpa)).spec;
    expect(spec.scaleTargetRef).toEqual({ apiVersion: "apps/v1", kind: "Deployment", name: "checkout" });
    expect(spec.minReplicas).toBe(3);
    expect(spec.maxReplicas).toBe(20);
    expect(spec.metrics).toEqual([
      { type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 70 } } },
      { type: "Resource", resource: { name: "memory", target: { type: "Utilization", averageUtilization: 80 } } },
    ]);
    expect(spec.behavior).toEqual({
      scaleUp: {
        stabilizationWindowSeconds: 0,
        selectPolicy: "Max",
        policies: [
          { type: "Percent", value: 100, periodSeconds: 60 },
          { type: "Pods", value: 4, periodSeconds: 60 },
        ],
      },
      scaleDown: {
        stabilizationWindowSeconds: 300,
        selectPolicy: "Max",
        policies: [
          { type: "Percent", value: 50, periodSeconds: 60 },
          { type: "Pods", value: 2, periodSeconds: 60 },
        ],
      },
    });
    expect(spec.behavior).toEqual(JSON.parse(JSON.stringify(HPA_BEHAVIOR)));
  });

  test("NetworkPolicy selects the pods and admits only the declared callers on the service port", async () => {
    const { rec } = await deploy(preview, PROD);
    expect(rec.inputsOf(rec.one(T.netpol)).spec).toEqual({
      podSelector: { matchLabels: { "app.kubernetes.io/name": "checkout", "app.kubernetes.io/instance": "checkout" } },
      policyTypes: ["Ingress"],
      ingress: [
        {
          from: [
            {
              namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "storefront" } },
              podSelector: { matchLabels: { "app.kubernetes.io/name": "frontend" } },
            },
            { namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "monitoring" } } },
          ],
          ports: [{ protocol: "TCP", port: 8080 }],
        },
      ],
    });
  });

  test("NetworkPolicy admits the load balancer subnets and ingress controller when exposed, and no one when nothing is declared", async () => {
    const { rec } = await deploy(preview, { ...PROD, allowedCallers: [], expose: { loadBalancerCidrs: ["10.0.0.0/20"], ingressControllerNamespace: "ingress-nginx" } });
    expect(rec.inputsOf(rec.one(T.netpol)).spec.ingress[0].from).toEqual([
      { ipBlock: { cidr: "10.0.0.0/20" } },
      { namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "ingress-nginx" } } },
    ]);
    const closed = await deploy(preview, { ...PROD, allowedCallers: undefined });
    const spec = closed.rec.inputsOf(closed.rec.one(T.netpol)).spec;
    expect(spec.policyTypes).toEqual(["Ingress"]);
    expect(spec.ingress).toEqual([]);
  });

  test("Service targets the named container port; outputs give the in-cluster host and selector", async () => {
    const { rec, svc } = await deploy(preview, PROD);
    expect(rec.inputsOf(rec.one(T.service)).spec).toEqual({
      type: "ClusterIP",
      selector: { "app.kubernetes.io/name": "checkout", "app.kubernetes.io/instance": "checkout" },
      ports: [{ name: "http", port: 8080, targetPort: "http", protocol: "TCP" }],
    });
    expect(await valueOf(svc.serviceHost)).toBe("checkout.payments.svc.cluster.local");
    expect(await valueOf(svc.serviceName)).toBe("checkout");
    expect(await valueOf(svc.namespace)).toBe("payments");
    expect(svc.selectorLabels).toEqual({ "app.kubernetes.io/name": "checkout", "app.kubernetes.io/instance": "checkout" });
    expect(rec.one(T.component).outputs).toMatchObject({ serviceHost: "checkout.payments.svc.cluster.local", servicePort: 8080 });
  });

  test("StatefulSet gets a headless governing Service, no replicas under HPA, and the HPA targets it", async () => {
    const { rec } = await deploy(preview, { ...PROD, kind: "StatefulSet" });
    expect(rec.ofType(T.deployment)).toHaveLength(0);
    const sts = rec.inputsOf(rec.one(T.statefulSet)).spec;
    expect(sts).not.toHaveProperty("replicas");
    expect(sts.serviceName).toBe("checkout-headless");
    expect(sts.template.spec.topologySpreadConstraints[0]).not.toHaveProperty("matchLabelKeys");
    const headless = rec.ofType(T.service).map((s) => rec.inputsOf(s)).find((s) => s.metadata.name === "checkout-headless");
    expect(headless?.spec.clusterIP).toBe("None");
    expect(rec.inputsOf(rec.one(T.hpa)).spec.scaleTargetRef.kind).toBe("StatefulSet");
  });
});

describe("HaService validation", () => {
  const rows: [string, Partial<HaServiceArgs> & Record<string, unknown>, string, string, string][] = [
    // [case, override, property, value as printed, fix fragment]
    ["latest tag", { image: "ghcr.io/acme/checkout:latest" }, "image", '"ghcr.io/acme/checkout:latest"', "pin the image"],
    ["untagged image", { image: "ghcr.io/acme/checkout" }, "image", '"ghcr.io/acme/checkout"', "pin the image"],
    ["registry port is not a tag", { image: "registry:5000/checkout" }, "image", '"registry:5000/checkout"', "pin the image"],
    ["short digest", { image: "ghcr.io/acme/checkout@sha256:abc" }, "image", "@sha256:abc", "pin the image"],
    ["privileged port", { port: 80 }, "port", "got 80", "unprivileged port such as 8080"],
    ["port out of range", { port: 70000 }, "port", "got 70000", "unprivileged port"],
    ["name too long", { appName: "a".repeat(64) }, "appName", "a".repeat(64), "set appName"],
    ["name starts with digit", { appName: "1checkout" }, "appName", '"1checkout"', "set appName"],
    ["StatefulSet name over 52", { kind: "StatefulSet", appName: "s".repeat(53) }, "appName", "s".repeat(53), "shorten appName"],
    ["bad namespace", { namespace: "Payments" }, "namespace", '"Payments"', "tenant's namespace"],
    ["HPA min 1 in prod", { autoscaling: { minReplicas: 1 } }, "autoscaling.minReplicas", "got 1", "3 or more in prod"],
    ["HPA max over 100", { autoscaling: { maxReplicas: 101 } }, "autoscaling.maxReplicas", "got 101", "at most 100"],
    ["HPA max below min", { autoscaling: { minReplicas: 5, maxReplicas: 4 } }, "autoscaling.maxReplicas", "got 4", "raise autoscaling.maxReplicas to 5"],
    ["replicas with HPA", { replicas: 3 }, "replicas", "got 3", "autoscaling.minReplicas instead"],
    ["fixed replicas 1 in prod", { autoscaling: false, replicas: 1 }, "replicas", "got 1", "at least 3 replicas in prod"],
    ["PDB blocks all disruption", { pdb: { minAvailable: 3 } }, "pdb.minAvailable", "got 3", "set pdb.minAvailable to 2 or less"],
    ["PDB maxUnavailable 0", { pdb: { maxUnavailable: 0 } }, "pdb.maxUnavailable", "got 0", "1 or more so a node drain can proceed"],
    ["PDB maxUnavailable ≥ floor", { pdb: { maxUnavailable: 3 } }, "pdb.maxUnavailable", "got 3", "set pdb.maxUnavailable to 2 or less"],
    ["PDB both set", { pdb: { minAvailable: 1, maxUnavailable: 1 } }, "pdb", '{"minAvailable":1,"maxUnavailable":1}', "keep only"],
    ["no liveness in prod", { probes: { readiness: { httpPath: "/readyz" } } }, "probes.liveness", "got undefined", 'probes.liveness to { httpPath: "/healthz" }'],
    ["no readiness in prod", { probes: { liveness: { httpPath: "/livez" } } }, "probes.readiness", "got undefined", "set probes.readiness"],
    ["probe with both kinds", { probes: { liveness: { httpPath: "/l", tcp: true }, readiness: { tcp: true } } }, "probes.liveness", '"httpPath":"/l"', "or probes.liveness.tcp = true"],
    ["probe relative path", { probes: { liveness: { httpPath: "healthz" }, readiness: { tcp: true } } }, "probes.liveness.httpPath", '"healthz"', '"/healthz"'],
    ["preStop ≥ grace", { preStopSleepSeconds: 45 }, "preStopSleepSeconds", "got 45", "lower preStopSleepSeconds below 45"],
    ["preStop ≥ custom grace", { terminationGracePeriodSeconds: 10, preStopSleepSeconds: 15 }, "preStopSleepSeconds", "got 15", "raise terminationGracePeriodSeconds above 15"],
    ["root user", { runAsUser: 0 }, "runAsUser", "got 0", "non-zero UID"],
    ["secret in plain env", { env: { DB_PASSWORD: "hunter2" } }, "env.DB_PASSWORD", "(value not shown)", "move DB_PASSWORD to secretEnv"],
    ["bad caller namespace", { allowedCallers: [{ namespace: "Store Front" }] }, "allowedCallers[0].namespace", '"Store Front"', "calling workload's namespace"],
    ["expose with nothing", { expose: {} }, "expose", "{}", "expose.loadBalancerCidrs"],
    ["expose bad CIDR", { expose: { loadBalancerCidrs: ["10.0.0.0/33"] } }, "expose.loadBalancerCidrs[0]", '"10.0.0.0/33"', "subnet CIDRs"],
    ["request above limit", { resources: { requests: { memory: "1Gi" }, limits: { memory: "512Mi" } } }, "resources.requests.memory", '"1Gi"', "lower the memory request"],
    ["malformed cpu", { resources: { requests: { cpu: "250 millicores" } } }, "resources.requests.cpu", '"250 millicores"', 'e.g. "250m"'],
    ["one zone in prod", { zones: ["us-east-1a"] }, "zones", '["us-east-1a"]', "list the zones"],
    ["zone id instead of name", { zones: ["use1-az1", "us-east-1b"] }, "zones[0]", '"use1-az1"', "not zone ids"],
  ];

  test.each(rows)("%s", (_case, override, property, value, fix) => {
    installMockRuntime({ preview: true });
    let error: unknown;
    try {
      new HaService("use1-checkout", { ...PROD, ...override } as HaServiceArgs);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ValidationError);
    const problem = (error as ValidationError).problems.find((p) => p.property === property);
    expect(problem).toBeDefined();
    const message = (error as ValidationError).message;
    const line = message.split("\n").find((l) => l.includes(`- ${property}: got`)) ?? "";
    expect(line).toContain(value);
    expect(line).toContain("expected");
    expect(line).toContain(`Fix: `);
    expect(line).toContain(fix);
  });

  test("reports every problem at once and registers nothing", async () => {
    const rec = installMockRuntime({ preview: false });
    const bad: HaServiceArgs = { ...PROD, image: "nginx", port: 22, preStopSleepSeconds: 60, autoscaling: { minReplicas: 1, maxReplicas: 200 }, probes: {} };
    let error: ValidationError | undefined;
    try {
      new HaService("x", bad);
    } catch (e) {
      error = e as ValidationError;
    }
    await settle();
    expect(rec.resources).toHaveLength(0);
    expect(error?.problems.map((p) => p.property).sort()).toEqual(
      ["autoscaling.maxReplicas", "autoscaling.minReplicas", "image", "port", "preStopSleepSeconds", "probes.liveness", "probes.readiness"].sort(),
    );
    expect(error?.message).toMatch(/^HaService "x" is invalid \(7 problems\)/);
  });

  test("accepts digests, registry ports with tags, non-prod minimum of 1, and probes omitted outside prod", () => {
    installMockRuntime({ preview: true });
    const digest = `ghcr.io/acme/checkout@sha256:${"a".repeat(64)}`;
    expect(() => new HaService("a", { ...PROD, image: digest })).not.toThrow();
    expect(() => new HaService("b", { ...PROD, image: "registry:5000/team/checkout:2024.01.1" })).not.toThrow();
    expect(() => new HaService("c", { ...PROD, environment: "dev", probes: undefined, autoscaling: { minReplicas: 1, maxReplicas: 2 } })).not.toThrow();
    expect(() => new HaService("e", { ...PROD, environment: "dev", autoscaling: { minReplicas: 1, maxReplicas: 2 }, pdb: { minAvailable: 1 } })).toThrow(
      /pdb.minAvailable: got 1; expected less than the replica floor \(1\)/,
    );
    expect(() => new HaService("d", { ...PROD, environment: "dev", probes: undefined, autoscaling: { minReplicas: 2, maxReplicas: 2 } })).not.toThrow();
  });
});
