import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { ValidationError } from "../../../components/shared/validation";
import { groupOrderOf, INGRESS_CHARTS, RegionalIngress, RegionalIngressArgs } from "../../../components/traffic";
import { installMockRuntime, RecordedResource, ResourceRecorder, settle } from "../../../src/testing/mocks";

const T = {
  release: "kubernetes:helm.sh/v3:Release",
  ingress: "kubernetes:networking.k8s.io/v1:Ingress",
  role: "aws:iam/role:Role",
  rolePolicy: "aws:iam/rolePolicy:RolePolicy",
};
const ISSUER = "https://oidc.eks.us-east-1.amazonaws.com/id/ABCDEF0123456789";
const OIDC_ARN = "arn:aws:iam::123456789012:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/ABCDEF0123456789";
const CERT = "arn:aws:acm:us-east-1:123456789012:certificate/11111111-2222-3333-4444-555555555555";
const ACL = "arn:aws:wafv2:us-east-1:123456789012:regional/webacl/global-waf-use1/abcd";

function base(): RegionalIngressArgs {
  return {
    environment: "prod",
    region: "us-east-1",
    domainName: "app.example.com",
    hostedZoneId: "Z0123456789ABC",
    clusterName: "production-platform-prod-use1",
    vpcId: "vpc-0123456789abcdef0",
    oidcProviderArn: OIDC_ARN,
    oidcIssuer: ISSUER,
    certificateArn: CERT,
    webAclArn: ACL,
    services: [
      { namespace: "shop", serviceName: "storefront", servicePort: 8080, healthCheckPath: "/healthz" },
      { namespace: "payments", serviceName: "checkout", servicePort: 8443, path: "/api/checkout", healthCheckPath: "/ready" },
    ],
  };
}

async function deploy(preview: boolean, override: Partial<RegionalIngressArgs> = {}): Promise<{ rec: ResourceRecorder; ri: RegionalIngress }> {
  const rec = installMockRuntime({ preview, project: "platform", stack: "prod" });
  const awsProvider = new aws.Provider("aws-use1", { region: "us-east-1" });
  const k8sProvider = new k8s.Provider("use1-k8s", { kubeconfig: "{}" });
  const ri = new RegionalIngress("use1-ingress", { ...base(), ...override }, { providers: [awsProvider, k8sProvider] });
  await settle();
  return { rec, ri };
}

function valueOf<V>(output: pulumi.Output<V>): Promise<V> {
  return new Promise((resolve) => output.apply((v) => resolve(v)));
}

const release = (rec: ResourceRecorder, name: string) => rec.one(T.release, name);
const policyOf = (rec: ResourceRecorder, name: string) => JSON.parse(rec.inputsOf(rec.one(T.rolePolicy, name)).policy);
const annotations = (rec: ResourceRecorder, r: RecordedResource): Record<string, string> => rec.inputsOf(r).metadata.annotations;

describe.each([true, false])("RegionalIngress (preview=%s)", (preview) => {
  let prod: { rec: ResourceRecorder; ri: RegionalIngress };
  beforeAll(async () => {
    prod = await deploy(preview);
  });

  test("installs the load balancer controller from the pinned chart with region, VPC and cluster set explicitly, 2 replicas, PDB, zone spread", () => {
    const { rec } = prod;
    const r = release(rec, "use1-ingress-lb-controller");
    const inputs = rec.inputsOf(r);
    expect(inputs).toMatchObject({
      name: "aws-load-balancer-controller",
      namespace: "kube-system",
      chart: "aws-load-balancer-controller",
      version: "1.14.0",
      repositoryOpts: { repo: "https://aws.github.io/eks-charts" },
    });
    expect(inputs.version).toMatch(/^\d+\.\d+\.\d+$/);
    expect(inputs.values).toMatchObject({
      clusterName: "production-platform-prod-use1",
      region: "us-east-1",
      vpcId: "vpc-0123456789abcdef0",
      replicaCount: 2,
      podDisruptionBudget: { maxUnavailable: 1 },
      createIngressClassResource: true,
      ingressClass: "alb",
      defaultSSLPolicy: "ELBSecurityPolicy-TLS13-1-2-2021-06",
      serviceAccount: { create: true, name: "aws-load-balancer-controller" },
    });
    expect(inputs.values.topologySpreadConstraints).toEqual([
      expect.objectContaining({ topologyKey: "topology.kubernetes.io/zone", maxSkew: 1, whenUnsatisfiable: "DoNotSchedule" }),
    ]);
    expect(rec.providerOf(r)?.type).toBe("pulumi:providers:kubernetes");
    if (!preview) {
      const role = rec.one(T.role, "use1-ingress-lb-controller");
      expect(inputs.values.serviceAccount.annotations["eks.amazonaws.com/role-arn"]).toBe(role.outputs.arn);
    }
  });

  test("installs external-dns from the pinned chart: upsert-only, domain filter, cluster as TXT owner, annotation hostnames only", () => {
    const { rec } = prod;
    const inputs = rec.inputsOf(release(rec, "use1-ingress-external-dns"));
    expect(inputs).toMatchObject({ name: "external-dns", namespace: "kube-system", chart: "external-dns", version: INGRESS_CHARTS.externalDns.version });
    expect(inputs.version).toMatch(/^\d+\.\d+\.\d+$/);
    expect(inputs.values).toMatchObject({
      provider: { name: "aws" },
      policy: "upsert-only",
      registry: "txt",
      txtOwnerId: "production-platform-prod-use1",
      domainFilters: ["app.example.com"],
      sources: ["ingress"],
      serviceAccount: { create: true, name: "external-dns" },
    });
    expect(inputs.values.env).toEqual(expect.arrayContaining([{ name: "AWS_REGION", value: "us-east-1" }]));
    expect(inputs.values.extraArgs).toEqual(
      expect.arrayContaining(["--zone-id-filter=Z0123456789ABC", "--ignore-ingress-rules-spec", "--ignore-ingress-tls-spec", "--ingress-class=alb"]),
    );
  });

  test.each([
    ["use1-ingress-lb-controller", "aws-load-balancer-controller"],
    ["use1-ingress-external-dns", "external-dns"],
  ])("IRSA role %s trusts only kube-system/%s through the cluster's OIDC provider", (roleName, serviceAccount) => {
    const { rec } = prod;
    const trust = JSON.parse(rec.inputsOf(rec.one(T.role, roleName)).assumeRolePolicy);
    expect(trust.Statement).toHaveLength(1);
    expect(trust.Statement[0]).toMatchObject({ Effect: "Allow", Principal: { Federated: OIDC_ARN }, Action: "sts:AssumeRoleWithWebIdentity" });
    expect(trust.Statement[0].Condition.StringEquals).toEqual({
      "oidc.eks.us-east-1.amazonaws.com/id/ABCDEF0123456789:sub": `system:serviceaccount:kube-system:${serviceAccount}`,
      "oidc.eks.us-east-1.amazonaws.com/id/ABCDEF0123456789:aud": "sts.amazonaws.com",
    });
  });

  test("controller policy: no wildcard actions, creation requires and changes require the elbv2.k8s.aws/cluster tag", () => {
    const policy = policyOf(prod.rec, "use1-ingress-lb-controller");
    const statements: any[] = policy.Statement;
    const actions = statements.flatMap((s) => [s.Action].flat());
    expect(actions.every((a: string) => /^[a-z0-9-]+:[A-Za-z]+$/.test(a))).toBe(true);
    const find = (action: string) => statements.filter((s) => [s.Action].flat().includes(action));
    for (const action of ["elasticloadbalancing:CreateLoadBalancer", "elasticloadbalancing:CreateTargetGroup"]) {
      for (const s of find(action)) expect(s.Condition.Null["aws:RequestTag/elbv2.k8s.aws/cluster"]).toBe("false");
    }
    for (const action of ["elasticloadbalancing:DeleteLoadBalancer", "elasticloadbalancing:ModifyLoadBalancerAttributes", "ec2:DeleteSecurityGroup"]) {
      expect(find(action).length).toBeGreaterThan(0);
      for (const s of find(action)) expect(s.Condition.Null["aws:ResourceTag/elbv2.k8s.aws/cluster"]).toBe("false");
    }
    expect(find("iam:CreateServiceLinkedRole")[0].Condition.StringEquals["iam:AWSServiceName"]).toBe("elasticloadbalancing.amazonaws.com");
    expect(find("wafv2:AssociateWebACL")).toHaveLength(1);
  });

  test("external-dns may change records only in the given zone", () => {
    const policy = policyOf(prod.rec, "use1-ingress-external-dns");
    expect(policy.Statement).toEqual([
      expect.objectContaining({ Action: ["route53:ChangeResourceRecordSets", "route53:ListResourceRecordSets"], Resource: "arn:aws:route53:::hostedzone/Z0123456789ABC" }),
      expect.objectContaining({ Action: "route53:ListHostedZones", Resource: "*" }),
    ]);
  });

  test("one Ingress per service in its namespace, class alb, on the regional and the public host", () => {
    const { rec } = prod;
    const ingresses = rec.ofType(T.ingress).map((i) => rec.inputsOf(i));
    expect(ingresses.map((i) => [i.metadata.namespace, i.metadata.name])).toEqual([
      ["shop", "storefront-public"],
      ["payments", "checkout-public"],
    ]);
    const [storefront, checkout] = ingresses;
    expect(storefront.spec.ingressClassName).toBe("alb");
    expect(storefront.spec.rules.map((r: any) => r.host)).toEqual(["ingress.us-east-1.app.example.com", "app.example.com"]);
    expect(checkout.spec.rules[1].http.paths).toEqual([
      { path: "/api/checkout", pathType: "Prefix", backend: { service: { name: "checkout", port: { number: 8443 } } } },
    ]);
    expect(storefront.spec.rules[0].http.paths[0].path).toBe("/");
    expect(storefront).not.toHaveProperty("spec.tls");
  });

  test("Ingress annotations: shared group, internet-facing HTTPS 443 only with redirect, certificate, WAF, TLS 1.2+ policy, IP targets", () => {
    const { rec } = prod;
    const [storefront, checkout] = rec.ofType(T.ingress).map((i) => annotations(rec, i));
    for (const a of [storefront, checkout]) {
      expect(a).toMatchObject({
        "alb.ingress.kubernetes.io/group.name": "public",
        "alb.ingress.kubernetes.io/scheme": "internet-facing",
        "alb.ingress.kubernetes.io/target-type": "ip",
        "alb.ingress.kubernetes.io/listen-ports": '[{"HTTPS":443}]',
        "alb.ingress.kubernetes.io/ssl-redirect": "443",
        "alb.ingress.kubernetes.io/certificate-arn": CERT,
        "alb.ingress.kubernetes.io/wafv2-acl-arn": ACL,
        "alb.ingress.kubernetes.io/ssl-policy": "ELBSecurityPolicy-TLS13-1-2-2021-06",
        "alb.ingress.kubernetes.io/load-balancer-attributes": "deletion_protection.enabled=true,routing.http.drop_invalid_header_fields.enabled=true",
        "external-dns.alpha.kubernetes.io/hostname": "ingress.us-east-1.app.example.com",
      });
    }
    expect(storefront["alb.ingress.kubernetes.io/healthcheck-path"]).toBe("/healthz");
    expect(checkout["alb.ingress.kubernetes.io/healthcheck-path"]).toBe("/ready");
    // The longer prefix is evaluated first so "/" stays the catch-all.
    expect(Number(checkout["alb.ingress.kubernetes.io/group.order"])).toBeLessThan(Number(storefront["alb.ingress.kubernetes.io/group.order"]));
  });

  test("Ingresses wait for the controller (its webhook admits them; it removes the ALB when they go)", () => {
    const { rec } = prod;
    const controller = release(rec, "use1-ingress-lb-controller");
    for (const i of rec.ofType(T.ingress)) {
      expect(i.options.dependsOn).toContain(controller.urn);
      expect(rec.providerOf(i)?.type).toBe("pulumi:providers:kubernetes");
    }
  });

  test("outputs the regional and public hostnames and each Ingress's name and hosts", async () => {
    const { ri } = prod;
    expect(ri.regionalHostname).toBe("ingress.us-east-1.app.example.com");
    expect(ri.publicHostname).toBe("app.example.com");
    expect(ri.ingresses.map((i) => [i.namespace, i.serviceName, i.path, i.hosts])).toEqual([
      ["shop", "storefront", "/", ["ingress.us-east-1.app.example.com", "app.example.com"]],
      ["payments", "checkout", "/api/checkout", ["ingress.us-east-1.app.example.com", "app.example.com"]],
    ]);
    if (!preview) expect(await valueOf(ri.ingresses[0].name)).toBe("storefront-public");
  });

  test("dev: no deletion protection, soft zone spread; access logs when asked", async () => {
    const { rec } = await deploy(preview, { environment: "dev", accessLogs: { bucket: "alb-logs-use1" } });
    const attributes = annotations(rec, rec.ofType(T.ingress)[0])["alb.ingress.kubernetes.io/load-balancer-attributes"];
    expect(attributes.split(",")).toEqual([
      "deletion_protection.enabled=false",
      "routing.http.drop_invalid_header_fields.enabled=true",
      "access_logs.s3.enabled=true",
      "access_logs.s3.bucket=alb-logs-use1",
      "access_logs.s3.prefix=use1-ingress",
    ]);
    expect(rec.inputsOf(release(rec, "use1-ingress-lb-controller")).values.topologySpreadConstraints[0].whenUnsatisfiable).toBe("ScheduleAnyway");
  });

  test("dev without services installs the controllers only", async () => {
    const { rec, ri } = await deploy(preview, { environment: "dev", services: [] });
    expect(rec.ofType(T.release)).toHaveLength(2);
    expect(rec.ofType(T.ingress)).toHaveLength(0);
    expect(await valueOf(ri.loadBalancerHostname)).toBeUndefined();
  });
});

describe("groupOrderOf", () => {
  test("longer prefixes first, ties in the given order", () => {
    expect(groupOrderOf([{ path: "/" }, { path: "/api/v2" }, { path: "/api" }, { path: "/web" }])).toEqual([4, 1, 2, 3]);
  });
});

describe("RegionalIngress validation", () => {
  const svc = base().services![0];
  const rows: [string, Partial<RegionalIngressArgs>, string, string, string][] = [
    ["bad domain", { domainName: "App.Example.com." }, "domainName", '"App.Example.com."', "GlobalTraffic's domainName"],
    ["regional name too long", { domainName: `${"a".repeat(60)}.${"b".repeat(60)}.${"c".repeat(60)}.${"d".repeat(50)}.com` }, "domainName", "regional hostname", "shorter domainName"],
    ["unknown environment", { environment: "production" as never }, "environment", '"production"', "allowed values"],
    ["unknown region", { region: "mars-1" }, "region", '"mars-1"', "cluster's region"],
    ["no services in prod", { services: [] }, "services", "got []", "list the services to publish"],
    ["bad namespace", { services: [{ ...svc, namespace: "Shop" }] }, "services[0].namespace", '"Shop"', "namespace the Service runs in"],
    ["bad service name", { services: [{ ...svc, serviceName: "1web" }] }, "services[0].serviceName", '"1web"', "HaService appName"],
    ["port 0", { services: [{ ...svc, servicePort: 0 }] }, "services[0].servicePort", "got 0", "1-65535"],
    ["port 70000", { services: [{ ...svc, servicePort: 70000 }] }, "services[0].servicePort", "got 70000", "1-65535"],
    ["relative path", { services: [{ ...svc, path: "api" }] }, "services[0].path", '"api"', 'prefix such as "/"'],
    ["relative health path", { services: [{ ...svc, healthCheckPath: "healthz" }] }, "services[0].healthCheckPath", '"healthz"', '"/healthz"'],
    ["same path twice", { services: [svc, { ...svc, serviceName: "other" }] }, "services[1].path", '"/"', "its own prefix"],
    ["same service twice", { services: [svc, { ...svc, path: "/b" }] }, "services[1].serviceName", '"shop/storefront"', "remove the duplicate"],
    ["bad group name", { groupName: "Public_ALB" }, "groupName", '"Public_ALB"', 'e.g. "public"'],
    ["chart range", { chartVersions: { loadBalancerController: "^1.14.0" } }, "chartVersions.loadBalancerController", '"^1.14.0"', 'exact version such as "1.14.0"'],
    ["chart v prefix", { chartVersions: { externalDns: "v1.19.0" } }, "chartVersions.externalDns", '"v1.19.0"', 'exact version such as "1.19.0"'],
  ];

  test.each(rows)("%s", (_case, override, property, value, fix) => {
    installMockRuntime({ preview: true });
    let error: unknown;
    try {
      new RegionalIngress("use1-ingress", { ...base(), ...override });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ValidationError);
    const line = (error as ValidationError).message.split("\n").find((l) => l.includes(`- ${property}: got`)) ?? "";
    expect(line).toContain(value);
    expect(line).toContain("expected");
    expect(line).toContain(fix);
  });

  test("reports every problem at once and registers nothing", async () => {
    const rec = installMockRuntime({ preview: false });
    let error: ValidationError | undefined;
    try {
      new RegionalIngress("use1-ingress", { ...base(), region: "mars-1", groupName: "_", services: [{ ...base().services![0], servicePort: -1, path: "x" }] });
    } catch (e) {
      error = e as ValidationError;
    }
    await settle();
    expect(rec.resources).toHaveLength(0);
    expect(error?.problems.map((p) => p.property)).toEqual(["region", "groupName", "services[0].servicePort", "services[0].path"]);
  });

  test("a dev stack may have no services; valid input passes", () => {
    installMockRuntime({ preview: true });
    expect(() => new RegionalIngress("use1-ingress", { ...base(), environment: "dev", services: undefined })).not.toThrow();
  });
});
