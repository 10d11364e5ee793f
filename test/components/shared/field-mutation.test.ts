/**
 * The validation contract (docs/architecture.md, "Validation") one level below validation-contract.test.ts: start
 * from VALID arguments, replace one field at a time (top-level fields, nested fields and array elements) by an odd
 * value a JavaScript caller or a YAML value of the wrong shape can produce, and check that `<name>Problems`
 * - never throws and returns an array;
 * - reports at least one problem when the new value is of another kind than the valid one (an optional field set to
 *   undefined, or a field the function does not own such as a `pulumi.Input` passed through, may still be valid).
 * Deterministic: plain loops over a fixed list of values.
 */
import type { Problem } from "../../../components/shared/validation";
import { globalTrafficProblems, GlobalTrafficArgs } from "../../../components/traffic/globalTrafficArgs";
import { regionalIngressProblems, RegionalIngressArgs } from "../../../components/traffic/regionalIngressArgs";
import { networkProblems } from "../../../components/network/validation";
import type { NetworkArgs } from "../../../components/network/Network";
import { haClusterProblems } from "../../../components/cluster/validation";
import type { HaClusterArgs } from "../../../components/cluster/HaCluster";
import { haServiceProblems } from "../../../components/workload";
import { monitoringStackProblems } from "../../../components/monitoring";

/** Odd values: null, undefined, numbers of the wrong sign or NaN, strings, booleans, lists and objects of the wrong shape. */
const ODD: readonly unknown[] = [undefined, null, 0, -1, NaN, "", "x", true, [], [null], ["x"], [0], {}, { x: 1 }];
/** Upper bound of mutations per function, so the suite stays fast. */
const CAP = 2000;

type Path = readonly (string | number)[];

function kind(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  return typeof value;
}

function label(path: Path): string {
  return path.map((k, i) => (typeof k === "number" ? `[${k}]` : i === 0 ? k : `.${k}`)).join("");
}

function show(value: unknown): string {
  if (value === undefined) return "undefined";
  if (typeof value === "number" && Number.isNaN(value)) return "NaN";
  return JSON.stringify(value);
}

/** Every path in the example: object fields, nested fields and array elements (the root itself is the contract test's). */
function pathsOf(value: unknown, prefix: Path = []): Path[] {
  if (typeof value !== "object" || value === null) return [];
  const entries: [string | number, unknown][] = Array.isArray(value) ? value.map((v, i) => [i, v]) : Object.entries(value);
  return entries.flatMap(([k, v]) => [[...prefix, k], ...pathsOf(v, [...prefix, k])]);
}

function valueAt(root: unknown, path: Path): unknown {
  return path.reduce<unknown>((v, k) => (v as Record<string | number, unknown>)[k], root);
}

function mutate(example: unknown, path: Path, value: unknown): unknown {
  const copy = structuredClone(example);
  const parent = valueAt(copy, path.slice(0, -1)) as Record<string | number, unknown>;
  parent[path[path.length - 1]] = value;
  return copy;
}

interface Case {
  readonly fn: (args: never) => readonly Problem[];
  readonly example: unknown;
  /** Paths (labels) the function passes through without judging them: any value is acceptable there. */
  readonly opaque?: readonly RegExp[];
  /** Paths of optional fields: `undefined` (or `null`, which `??` reads as unset) there leaves the arguments valid. */
  readonly optional?: readonly RegExp[];
}

/** What is wrong with the function on one mutation, or undefined when it keeps the contract. */
function judge(c: Case, path: Path, value: unknown): string | undefined {
  const at = label(path);
  const where = `${c.fn.name} at ${at} = ${show(value)}`;
  let result: unknown;
  try {
    result = (c.fn as (a: unknown) => unknown)(mutate(c.example, path, value));
  } catch (err) {
    return `${where}: threw ${String(err)}`;
  }
  if (!Array.isArray(result)) return `${where}: returned ${show(result)}, not an array`;
  const sameKind = kind(value) === kind(valueAt(c.example, path));
  const mayBeValid = sameKind || (c.opaque ?? []).some((r) => r.test(at)) || (value == null && (c.optional ?? []).some((r) => r.test(at)));
  if (!mayBeValid && result.length === 0) return `${where}: returned no problem for a ${kind(value)} where a ${kind(valueAt(c.example, path))} is expected`;
  return undefined;
}

const ZONES = ["us-east-1a", "us-east-1b", "us-east-1c"];

const cases: Record<string, Case> = {
  globalTrafficProblems: {
    fn: globalTrafficProblems,
    example: {
      domainName: "app.example.com",
      hostedZoneId: "Z0123456789ABC",
      routing: "failover",
      environment: "prod",
      endpoints: ["us-east-1", "us-west-2"].map((region) => ({
        region,
        loadBalancerDnsName: `ingress.${region}.app.example.com`,
        loadBalancerZoneId: "Z35SXDOTRQ7X7K",
        healthCheckPath: "/healthz",
        healthCheckPort: 443,
      })),
      // Only presence is checked: a provider is an opaque resource object.
      providers: { "us-east-1": {}, "us-west-2": {} },
      failureThreshold: 3,
      healthCheckRegions: ["us-east-1", "us-west-2", "eu-west-1"],
      dnsTtl: 60,
      waf: { rateLimitPer5Minutes: 2000, countOnlyCommonRules: ["SizeRestrictions_BODY"] },
    } satisfies Omit<GlobalTrafficArgs, "providers"> & { providers: Record<string, object> },
    opaque: [/^hostedZoneId$/, /^endpoints\[\d+\]\.(loadBalancerDnsName|loadBalancerZoneId)$/, /^providers\.[\w-]+$/, /^waf\.countOnlyCommonRules/],
    optional: [/^(failureThreshold|healthCheckRegions|dnsTtl|waf|waf\.rateLimitPer5Minutes|waf\.countOnlyCommonRules)$/, /^endpoints\[\d+\]\.(healthCheckPort|loadBalancerZoneId)$/],
  },
  regionalIngressProblems: {
    fn: regionalIngressProblems,
    example: {
      environment: "prod",
      region: "us-east-1",
      domainName: "app.example.com",
      hostedZoneId: "Z0123456789ABC",
      clusterName: "production-platform-prod-use1",
      vpcId: "vpc-0123456789abcdef0",
      oidcProviderArn: "arn:aws:iam::123456789012:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/ABCDEF0123456789",
      oidcIssuer: "https://oidc.eks.us-east-1.amazonaws.com/id/ABCDEF0123456789",
      certificateArn: "arn:aws:acm:us-east-1:123456789012:certificate/11111111-2222-3333-4444-555555555555",
      webAclArn: "arn:aws:wafv2:us-east-1:123456789012:regional/webacl/global-waf-use1/abcd",
      services: [
        { namespace: "shop", serviceName: "storefront", servicePort: 8080, healthCheckPath: "/healthz" },
        { namespace: "payments", serviceName: "checkout", servicePort: 8443, path: "/api/checkout", healthCheckPath: "/ready", canaryServiceName: "checkout-canary" },
      ],
      groupName: "public",
      chartVersions: { loadBalancerController: "1.14.0", externalDns: "1.19.0" },
    } satisfies RegionalIngressArgs,
    // pulumi.Input<string> values passed through to the charts and IAM.
    opaque: [/^(hostedZoneId|clusterName|vpcId|oidcProviderArn|oidcIssuer|certificateArn|webAclArn)$/],
    optional: [/^(groupName|chartVersions|chartVersions\.\w+)$/, /^services\[\d+\]\.(path|canaryServiceName)$/],
  },
  networkProblems: {
    fn: networkProblems,
    example: {
      region: "us-east-1",
      environment: "prod",
      cidrBlock: "10.0.0.0/16",
      availabilityZones: ZONES,
      natGateways: "OnePerZone",
      flowLogRetentionDays: 365,
      transitGateway: { id: "tgw-0123456789abcdef0", routedCidrs: ["203.0.113.0/24"] },
    } satisfies NetworkArgs,
    optional: [/^(natGateways|flowLogRetentionDays|transitGateway)$/],
  },
  haClusterProblems: {
    fn: haClusterProblems,
    example: {
      region: "us-east-1",
      environment: "prod",
      kubernetesVersion: "1.33",
      vpcId: "vpc-123",
      privateSubnetIds: ["subnet-a", "subnet-b", "subnet-c"],
      availabilityZones: ZONES,
      endpointPublicAccessCidrs: ["203.0.113.0/24"],
      endpointPrivateAccessCidrs: ["10.100.0.0/16"],
      adminRoleArns: ["arn:aws:iam::123456789012:role/platform-admin"],
      clusterName: "production-platform-prod-use1",
      logRetentionDays: 365,
      nodeGroups: {
        general: {
          instanceTypes: ["m7i.large"],
          minSizePerZone: 1,
          desiredSizePerZone: 2,
          maxSizePerZone: 5,
          capacityType: "ON_DEMAND",
          amiType: "AL2023_x86_64_STANDARD",
          diskSizeGiB: 50,
          maxUnavailablePercentage: 33,
          taints: [{ key: "dedicated", value: "system", effect: "NO_SCHEDULE" }],
        },
      },
    } satisfies HaClusterArgs,
    // pulumi.Input values passed through to the EKS cluster; a taint's value is free-form.
    opaque: [/^(vpcId|privateSubnetIds)/, /\.taints\[\d+\]\.value$/],
    optional: [
      /^(endpointPublicAccessCidrs|endpointPrivateAccessCidrs|adminRoleArns|clusterName|logRetentionDays)$/,
      /^nodeGroups\.\w+\.(capacityType|amiType|diskSizeGiB|maxUnavailablePercentage|taints)$/,
    ],
  },
};

describe.each(Object.keys(cases))("%s on field-level mutations of valid arguments", (name) => {
  const c = cases[name];

  test("the example is valid (so every problem below comes from the mutation)", () => {
    expect((c.fn as (a: unknown) => unknown)(structuredClone(c.example))).toEqual([]);
  });

  test("never throws, returns an array, and reports a value of the wrong kind", () => {
    const mutations = pathsOf(c.example).flatMap((path) => ODD.map((value) => [path, value] as const)).slice(0, CAP);
    expect(mutations.length).toBeGreaterThan(50);
    const failures = mutations.map(([path, value]) => judge(c, path, value)).filter((f): f is string => f !== undefined);
    expect(failures).toEqual([]);
  });
});

// Two throws found outside the four functions above (probes and receivers given as null, as YAML writes a key with
// no value): each is a problem naming the property, never a TypeError.
test("a null or non-object probe or alert receiver is a problem naming it", () => {
  const service = { namespace: "payments", appName: "checkout", image: "ghcr.io/acme/checkout:1.4.2", port: 8080, environment: "prod", allowedCallers: [] };
  for (const odd of [null, "x", 3, []]) {
    const probes = haServiceProblems({ ...service, probes: { liveness: odd, readiness: { httpPath: "/readyz" } } } as never);
    expect(probes.filter((p) => p.property.startsWith("probes")).map((p) => [p.property, p.rule])).toEqual([["probes.liveness", "a probe object"]]);
    const receivers = monitoringStackProblems({ alertReceivers: { receivers: [{ name: "oncall", webhook: [{ url: "https://example.com/hook" }] }, odd] } } as never);
    expect(receivers.filter((p) => p.property.startsWith("alertReceivers.receivers[1]")).map((p) => p.property)).toEqual(["alertReceivers.receivers[1]"]);
  }
});
