import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { GlobalTraffic, GlobalTrafficArgs, TrafficEndpoint } from "../../../components/traffic";
import { ValidationError } from "../../../components/shared/validation";
import { installMockRuntime, ResourceRecorder, settle } from "../../../src/testing/mocks";

const T = {
  component: "production-platform:traffic:GlobalTraffic",
  healthCheck: "aws:route53/healthCheck:HealthCheck",
  record: "aws:route53/record:Record",
  zone: "aws:route53/zone:Zone",
  cert: "aws:acm/certificate:Certificate",
  certValidation: "aws:acm/certificateValidation:CertificateValidation",
  webAcl: "aws:wafv2/webAcl:WebAcl",
  shield: "aws:shield/protection:Protection",
};

const REGIONS = ["us-east-1", "us-west-2"];
const placeholder = (region: string): TrafficEndpoint => ({ region, loadBalancerDnsName: `ingress.${region}.app.example.com`, healthCheckPath: "/healthz" });

function valueOf<T>(output: pulumi.Output<T>): Promise<T> {
  return new Promise((resolve) => output.apply((v) => resolve(v)));
}

async function deploy(preview: boolean, override: Partial<GlobalTrafficArgs> = {}, regions = REGIONS): Promise<{ rec: ResourceRecorder; gt: GlobalTraffic }> {
  const rec = installMockRuntime({ preview, project: "platform", stack: "prod" });
  const global = new aws.Provider("global", { region: "us-east-1" });
  const providers = Object.fromEntries(regions.map((r) => [r, new aws.Provider(`aws-${r}`, { region: r })]));
  const gt = new GlobalTraffic(
    "global",
    { domainName: "app.example.com", hostedZoneId: "Z0123456789ABC", routing: "failover", environment: "prod", endpoints: regions.map(placeholder), providers, ...override },
    { provider: global },
  );
  await settle();
  return { rec, gt };
}

describe.each([true, false])("GlobalTraffic (preview=%s)", (preview) => {
  test("health checks every endpoint over HTTPS every 10 s from 3 checker regions, measuring latency", async () => {
    const { rec } = await deploy(preview);
    const checks = rec.ofType(T.healthCheck).map((c) => rec.inputsOf(c));
    expect(checks).toHaveLength(2);
    checks.forEach((check, i) =>
      expect(check).toMatchObject({
        type: "HTTPS",
        fqdn: `ingress.${REGIONS[i]}.app.example.com`,
        port: 443,
        resourcePath: "/healthz",
        requestInterval: 10,
        failureThreshold: 3,
        measureLatency: true,
        enableSni: true,
        regions: ["us-east-1", "us-west-2", "eu-west-1"],
      }),
    );
  });

  test("failover: PRIMARY then SECONDARY records, each with a set identifier and its health check", async () => {
    const { rec } = await deploy(preview);
    const checkIds = rec.ofType(T.healthCheck).map((c) => c.id);
    const records = rec.ofType(T.record).filter((r) => rec.inputsOf(r).name === "app.example.com");
    expect(records.map((r) => rec.inputsOf(r))).toEqual([
      {
        zoneId: "Z0123456789ABC",
        name: "app.example.com",
        setIdentifier: "us-east-1",
        healthCheckId: checkIds[0],
        failoverRoutingPolicies: [{ type: "PRIMARY" }],
        type: "CNAME",
        ttl: 60,
        records: ["ingress.us-east-1.app.example.com"],
      },
      {
        zoneId: "Z0123456789ABC",
        name: "app.example.com",
        setIdentifier: "us-west-2",
        healthCheckId: checkIds[1],
        failoverRoutingPolicies: [{ type: "SECONDARY" }],
        type: "CNAME",
        ttl: 60,
        records: ["ingress.us-west-2.app.example.com"],
      },
    ]);
  });

  test("alias A records with evaluateTargetHealth when the load balancer's zone is known; latency routing per region", async () => {
    const { rec } = await deploy(
      preview,
      {
        routing: "latency",
        endpoints: ["us-east-1", "us-west-2", "eu-west-1"].map((region) => ({
          region,
          loadBalancerDnsName: `k8s-app-${region}.elb.amazonaws.com`,
          loadBalancerZoneId: "Z35SXDOTRQ7X7K",
          healthCheckPath: "/healthz",
        })),
      },
      ["us-east-1", "us-west-2", "eu-west-1"],
    );
    const records = rec.ofType(T.record).map((r) => rec.inputsOf(r)).filter((r) => r.name === "app.example.com");
    expect(records.map((r) => r.latencyRoutingPolicies)).toEqual([[{ region: "us-east-1" }], [{ region: "us-west-2" }], [{ region: "eu-west-1" }]]);
    for (const r of records) {
      expect(r.type).toBe("A");
      expect(r).not.toHaveProperty("ttl");
      expect(r).not.toHaveProperty("failoverRoutingPolicies");
      expect(r.aliases).toEqual([{ name: `k8s-app-${r.setIdentifier}.elb.amazonaws.com`, zoneId: "Z35SXDOTRQ7X7K", evaluateTargetHealth: true }]);
    }
  });

  test("a DNS-validated certificate in each endpoint's region, validated through one shared record", async () => {
    const { rec } = await deploy(preview);
    const certs = rec.ofType(T.cert);
    expect(certs.map((c) => rec.regionOf(c))).toEqual(REGIONS);
    for (const cert of certs) expect(rec.inputsOf(cert)).toMatchObject({ domainName: "app.example.com", validationMethod: "DNS" });
    const validationRecord = rec.one(T.record, "global-cert-validation");
    const validations = rec.ofType(T.certValidation);
    expect(validations.map((v) => rec.regionOf(v))).toEqual(REGIONS);
    validations.forEach((v, i) => {
      expect(v.propertyDependencies.certificateArn).toEqual([certs[i].urn]);
      expect(v.propertyDependencies.validationRecordFqdns).toEqual([validationRecord.urn]);
    });
    if (!preview) {
      const inputs = rec.inputsOf(validationRecord);
      expect(inputs).toMatchObject({ zoneId: "Z0123456789ABC", type: "CNAME", allowOverwrite: true });
      expect(inputs.name).toMatch(/^_[0-9a-f]{32}\.app\.example\.com\.$/);
      expect(inputs.records[0]).toMatch(/acm-validations\.aws\.$/);
    }
  });

  test("a regional WAF web ACL per endpoint with Common, KnownBadInputs and a per-IP rate limit", async () => {
    const { rec, gt } = await deploy(preview, { waf: { rateLimitPer5Minutes: 1000, countOnlyCommonRules: ["SizeRestrictions_BODY"] } });
    const acls = rec.ofType(T.webAcl);
    expect(acls.map((a) => rec.regionOf(a))).toEqual(REGIONS);
    const acl = rec.inputsOf(acls[0]);
    expect(acl.scope).toBe("REGIONAL");
    expect(acl.defaultAction).toEqual({ allow: {} });
    expect(acl.rules.map((r: any) => [r.priority, r.statement.managedRuleGroupStatement?.name ?? "rate"])).toEqual([
      [10, "AWSManagedRulesCommonRuleSet"],
      [20, "AWSManagedRulesKnownBadInputsRuleSet"],
      [30, "rate"],
    ]);
    expect(acl.rules[0].overrideAction).toEqual({ none: {} });
    expect(acl.rules[0].statement.managedRuleGroupStatement.ruleActionOverrides).toEqual([{ name: "SizeRestrictions_BODY", actionToUse: { count: {} } }]);
    expect(acl.rules[2].action).toEqual({ block: {} });
    expect(acl.rules[2].statement.rateBasedStatement).toEqual({ limit: 1000, aggregateKeyType: "IP", evaluationWindowSec: 300 });
    if (!preview) expect(await valueOf(gt.webAclArns["us-west-2"])).toMatch(/^arn:aws:wafv2:us-west-2:/);
  });

  test("global resources use the component's provider; outputs are keyed by region", async () => {
    const { rec, gt } = await deploy(preview);
    for (const r of [...rec.ofType(T.healthCheck), ...rec.ofType(T.record)]) expect(rec.providerOf(r)?.name).toBe("global");
    expect(Object.keys(gt.healthCheckIds)).toEqual(REGIONS);
    expect(Object.keys(gt.certificateArns)).toEqual(REGIONS);
    expect(gt.detectionSeconds).toBe(30);
    expect(await valueOf(gt.fqdn)).toBe("app.example.com");
    if (!preview) {
      expect(await valueOf(gt.healthCheckIds["us-east-1"])).toBe(rec.ofType(T.healthCheck)[0].id);
      expect(await valueOf(gt.certificateArns["us-west-2"])).toMatch(/^arn:aws:acm:us-west-2:/);
    }
    expect(rec.ofType(T.shield)).toHaveLength(0);
    expect(rec.ofType(T.zone)).toHaveLength(0);
  });

  test("creates a protected hosted zone in prod when asked, and Shield Advanced protections when enabled", async () => {
    const { rec, gt } = await deploy(preview, {
      hostedZoneId: undefined,
      createZone: true,
      zoneName: "example.com",
      shieldAdvanced: true,
      endpoints: [{ ...placeholder("us-east-1"), loadBalancerArn: "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/x/1" }, placeholder("us-west-2")],
    });
    const zone = rec.one(T.zone);
    expect(zone.options.protect).toBe(true);
    expect(rec.inputsOf(zone)).toMatchObject({ name: "example.com", forceDestroy: false });
    expect(rec.ofType(T.shield).map((s) => s.name).sort()).toEqual(["global-shield-use1", "global-shield-zone"]);
    const zoneShield = rec.one(T.shield, "global-shield-zone");
    expect(rec.providerOf(zoneShield)?.name).toBe("global");
    expect(rec.providerOf(rec.one(T.shield, "global-shield-use1"))?.name).toBe("aws-us-east-1");
    if (!preview) {
      expect(rec.inputsOf(zoneShield).resourceArn).toMatch(/^arn:aws:route53:::hostedzone\/Z[0-9A-F]{13}$/);
      expect(await valueOf(gt.nameServers)).toEqual(["ns-1.awsdns-00.com", "ns-2.awsdns-00.net"]);
    }
  });
});

describe("GlobalTraffic validation", () => {
  const base = (): GlobalTrafficArgs => ({
    domainName: "app.example.com",
    hostedZoneId: "Z0123456789ABC",
    routing: "failover",
    environment: "prod",
    endpoints: REGIONS.map(placeholder),
    providers: Object.fromEntries(REGIONS.map((r) => [r, new aws.Provider(`p-${r}`, { region: r })])),
  });

  const rows: [string, Partial<GlobalTrafficArgs>, string, string, string][] = [
    ["bad domain", { domainName: "App.Example.com." }, "domainName", '"App.Example.com."', "hostname clients use"],
    ["no zone", { hostedZoneId: undefined }, "hostedZoneId", "got undefined", "or set createZone: true"],
    ["zone twice", { createZone: true }, "hostedZoneId", '"Z0123456789ABC"', "and not both"],
    ["zoneName not a parent", { hostedZoneId: undefined, createZone: true, zoneName: "other.com" }, "zoneName", '"other.com"', "parent domains"],
    ["CNAME at created apex", { hostedZoneId: undefined, createZone: true }, "endpoints[0].loadBalancerZoneId", "got undefined", "canonical hosted zone id"],
    ["failover with 3 endpoints", { endpoints: ["us-east-1", "us-west-2", "eu-west-1"].map(placeholder) }, "endpoints", '["us-east-1","us-west-2","eu-west-1"]', 'routing: "latency"'],
    ["unknown routing", { routing: "weighted" as never }, "routing", '"weighted"', "allowed values"],
    ["failureThreshold 1", { failureThreshold: 1 }, "failureThreshold", "got 1", "2 (20 s detection) or 3"],
    ["failureThreshold 5", { failureThreshold: 5 }, "failureThreshold", "got 5", "2 (20 s detection) or 3"],
    ["two checker regions", { healthCheckRegions: ["us-east-1", "eu-west-1"] }, "healthCheckRegions", '["us-east-1","eu-west-1"]', "3 or more"],
    ["checker region not offered", { healthCheckRegions: ["us-east-1", "eu-west-1", "eu-central-1"] }, "healthCheckRegions[2]", '"eu-central-1"', "pick a region"],
    ["relative health path", { endpoints: [{ ...placeholder("us-east-1"), healthCheckPath: "healthz" }, placeholder("us-west-2")] }, "endpoints[0].healthCheckPath", '"healthz"', '"/healthz"'],
    ["duplicate region", { endpoints: [placeholder("us-east-1"), placeholder("us-east-1")] }, "endpoints[1].region", '"us-east-1"', "one endpoint per region"],
    ["unknown region", { endpoints: [placeholder("us-east-1"), placeholder("mars-1")] }, "endpoints[1].region", '"mars-1"', "one endpoint per region"],
    ["missing provider", { endpoints: [placeholder("us-east-1"), placeholder("eu-west-1")] }, 'providers["eu-west-1"]', '["us-east-1","us-west-2"]', 'providers: { "eu-west-1"'],
    ["bad DNS name", { endpoints: [{ ...placeholder("us-east-1"), loadBalancerDnsName: "not a host" }, placeholder("us-west-2")] }, "endpoints[0].loadBalancerDnsName", '"not a host"', "load balancer's DNS name"],
    ["TTL too high", { dnsTtl: 3600 }, "dnsTtl", "got 3600", "between 10 and 300"],
    ["rate limit too low", { waf: { rateLimitPer5Minutes: 10 } }, "waf.rateLimitPer5Minutes", "got 10", "set waf.rateLimitPer5Minutes"],
  ];

  test.each(rows)("%s", (_case, override, property, value, fix) => {
    installMockRuntime({ preview: true });
    let error: unknown;
    try {
      new GlobalTraffic("global", { ...base(), ...override });
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
    const args = { ...base(), domainName: "bad domain", failureThreshold: 9, endpoints: ["us-east-1", "us-west-2", "eu-west-1"].map(placeholder) };
    const before = rec.resources.length;
    let error: ValidationError | undefined;
    try {
      new GlobalTraffic("global", args);
    } catch (e) {
      error = e as ValidationError;
    }
    await settle();
    expect(rec.resources.filter((r) => !r.type.startsWith("pulumi:providers:"))).toHaveLength(0);
    expect(rec.resources.length).toBe(before + 2);
    expect(error?.problems.map((p) => p.property)).toEqual(["domainName", "failureThreshold", "endpoints", 'providers["eu-west-1"]']);
  });
});
