/**
 * Provider functions (data sources) answered offline: the common AWS ones a program calls before it creates anything.
 * Each answer is deterministic (derived from the region, account and inputs) and shaped like the provider's result.
 * A function with no fake is an error that names its token and how to add one: a silent `{}` would let a program read
 * `undefined` and pass a check it should fail.
 */
import * as crypto from "crypto";
import * as YAML from "yaml";
import { renderPolicyDocument } from "./policy-document";
import { secret } from "./wire";

export interface FakeCallContext {
  readonly region: string;
  readonly accountId: string;
}

/** A fake for one provider function: its inputs (plain values) in, its result out. */
export type FakeCall = (inputs: Record<string, any>, ctx: FakeCallContext) => Record<string, unknown>;

function hash(text: string, length: number): string {
  return crypto.createHash("sha256").update(text).digest("hex").slice(0, length);
}

/**
 * The zones AWS shows an account in a region, by AZ ID (the physical zone, the same in every account) and by name
 * (region + letter). Facts from the AWS docs ("AZ IDs", "AWS Availability Zones"): us-east-1 has use1-az1..az6 as
 * a..f; us-west-1 has three AZ IDs but most accounts see two names; Tokyo's apne1-az3 and Canada's cac1-az3 are not
 * offered to new accounts, so their letters skip; regions opened since 2018 have a, b, c. Regions not listed here
 * get three zones a, b, c as <prefix>-az1..az3.
 */
const ZONE_WORLD: Record<string, { letters: string[]; ids: number[] }> = {
  "us-east-1": { letters: ["a", "b", "c", "d", "e", "f"], ids: [1, 2, 3, 4, 5, 6] },
  // usw1-az2 is listed too (older accounts see it): EKS refuses it, so the exclusion list must take it out.
  "us-west-1": { letters: ["a", "b", "c"], ids: [1, 2, 3] },
  "us-west-2": { letters: ["a", "b", "c", "d"], ids: [1, 2, 3, 4] },
  "ca-central-1": { letters: ["a", "b", "d"], ids: [1, 2, 4] },
  "ap-northeast-1": { letters: ["a", "c", "d"], ids: [1, 2, 4] },
  "ap-northeast-2": { letters: ["a", "b", "c", "d"], ids: [1, 2, 3, 4] },
};

/**
 * Regions older than November 2012, where AWS maps zone names to AZ IDs independently per account ("Regions with
 * independently mapped Availability Zones"): us-east-1a of one account is not us-east-1a of another. The fake draws
 * the mapping from the account id, so a program that assumes letter a is az1 is caught; newer regions map uniformly.
 */
const INDEPENDENTLY_MAPPED = new Set(["us-east-1", "us-west-1", "us-west-2", "eu-west-1", "ap-northeast-1", "ap-southeast-1", "sa-east-1"]);

const DIRECTION: Record<string, string> = { north: "n", south: "s", east: "e", west: "w", central: "c", northeast: "ne", northwest: "nw", southeast: "se", southwest: "sw" };

/** The AZ id prefix AWS uses for a region: us-east-1 → use1, eu-central-1 → euc1, ap-southeast-2 → apse2, us-gov-west-1 → usgw1. */
export function zoneIdPrefix(region: string): string {
  const parts = region.split("-");
  const number = parts.pop() ?? "";
  const [geo, ...rest] = parts;
  return `${geo}${rest.map((p) => DIRECTION[p] ?? p[0]).join("")}${number}`;
}

/** A permutation of `items` fixed by `seed` (a Fisher-Yates shuffle driven by a hash chain). */
function permute<T>(items: readonly T[], seed: string): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = parseInt(hash(`${seed}:${i}`, 8), 16) % (i + 1);
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

/**
 * Zones of a region as `getAvailabilityZones` lists them for an account, in name order: names (us-east-1a…) and the
 * AZ ID behind each name (use1-az4…), which in the independently mapped regions depends on the account.
 */
export function availabilityZones(region: string, accountId = "123456789012"): { names: string[]; zoneIds: string[] } {
  const world = ZONE_WORLD[region] ?? { letters: ["a", "b", "c"], ids: [1, 2, 3] };
  const ids = INDEPENDENTLY_MAPPED.has(region) ? permute(world.ids, `${accountId}:${region}`) : world.ids;
  return { names: world.letters.map((l) => `${region}${l}`), zoneIds: ids.map((n) => `${zoneIdPrefix(region)}-az${n}`) };
}

/** Filter names of DescribeAvailabilityZones the fake answers; any other is an error rather than a filter ignored. */
const ZONE_FILTERS: Record<string, (zone: { name: string; id: string; region: string }) => string> = {
  "zone-name": (z) => z.name,
  "zone-id": (z) => z.id,
  "region-name": (z) => z.region,
  "group-name": (z) => z.region,
  "state": () => "available",
  "zone-type": () => "availability-zone",
  "opt-in-status": () => "opt-in-not-required",
};

/**
 * `aws.getAvailabilityZones`: every zone of the region is `available` and needs no opt-in (no Local or Wavelength
 * Zones offline); `state`, `filters`, `excludeNames`, `excludeZoneIds` and the v7 `region` argument apply as the
 * provider applies them (exclusions after the EC2 filters).
 */
const getAvailabilityZones: FakeCall = (inputs, ctx) => {
  const region = typeof inputs.region === "string" ? inputs.region : ctx.region;
  const all = availabilityZones(region, ctx.accountId);
  const zones = all.names.map((name, i) => ({ name, id: all.zoneIds[i], region }));
  const filters: { name?: string; values?: string[] }[] = Array.isArray(inputs.filters) ? inputs.filters : [];
  for (const f of filters) {
    if (!f?.name || !(f.name in ZONE_FILTERS)) {
      throw new Error(`aws:index/getAvailabilityZones: the offline fake has no filter ${JSON.stringify(f?.name)} (it answers ${Object.keys(ZONE_FILTERS).join(", ")}); add it to src/testing/fake-calls.ts`);
    }
  }
  const keep = zones.filter(
    (z) =>
      (inputs.state === undefined || inputs.state === "available") &&
      filters.every((f) => (f.values ?? []).includes(ZONE_FILTERS[f.name!](z))) &&
      !(inputs.excludeNames ?? []).includes(z.name) &&
      !(inputs.excludeZoneIds ?? []).includes(z.id),
  );
  return {
    names: keep.map((z) => z.name),
    zoneIds: keep.map((z) => z.id),
    groupNames: keep.map(() => region),
    state: inputs.state,
    excludeNames: inputs.excludeNames,
    excludeZoneIds: inputs.excludeZoneIds,
    filters: inputs.filters,
    region,
    id: region,
  };
};

function filterValue(filters: unknown, name: string): string | undefined {
  if (!Array.isArray(filters)) return undefined;
  const found = filters.find((f: any) => f?.name === name);
  return Array.isArray(found?.values) && typeof found.values[0] === "string" ? found.values[0] : undefined;
}

/** Account ids behind the owner aliases AWS accepts in `owners`. */
const OWNER_ALIASES: Record<string, string> = { amazon: "137112412989", "aws-marketplace": "679593333241", self: "" };

const getAmi: FakeCall = (inputs, ctx) => {
  const id = `ami-${hash(`${ctx.region}:${JSON.stringify(inputs)}`, 17)}`;
  const owner = (inputs.owners ?? ["amazon"])[0] as string;
  const ownerId = owner in OWNER_ALIASES ? OWNER_ALIASES[owner] || ctx.accountId : owner;
  const name = (filterValue(inputs.filters, "name") ?? "offline-image-*").replace(/\*/g, "20250101").replace(/\?/g, "0");
  return {
    id,
    imageId: id,
    arn: `arn:aws:ec2:${ctx.region}::image/${id}`,
    name,
    architecture: filterValue(inputs.filters, "architecture") ?? "x86_64",
    ownerId,
    imageOwnerAlias: owner === "amazon" ? "amazon" : "",
    owners: inputs.owners ?? [],
    mostRecent: inputs.mostRecent ?? false,
    creationDate: "2025-01-01T00:00:00.000Z",
    state: "available",
    public: owner !== "self",
    rootDeviceType: filterValue(inputs.filters, "root-device-type") ?? "ebs",
    rootDeviceName: "/dev/xvda",
    virtualizationType: filterValue(inputs.filters, "virtualization-type") ?? "hvm",
    hypervisor: "xen",
    enaSupport: true,
    platformDetails: "Linux/UNIX",
    usageOperation: "RunInstances",
    blockDeviceMappings: [{ deviceName: "/dev/xvda", ebs: { volume_size: "8", volume_type: "gp3", encrypted: "false", delete_on_termination: "true" } }],
    tags: {},
  };
};

const getVpc: FakeCall = (inputs, ctx) => {
  const isDefault = inputs.default === true;
  const id = typeof inputs.id === "string" ? inputs.id : `vpc-${hash(`${ctx.region}:${JSON.stringify(inputs)}`, 17)}`;
  const cidrBlock = typeof inputs.cidrBlock === "string" ? inputs.cidrBlock : isDefault ? "172.31.0.0/16" : "10.0.0.0/16";
  return {
    id,
    arn: `arn:aws:ec2:${ctx.region}:${ctx.accountId}:vpc/${id}`,
    cidrBlock,
    cidrBlockAssociations: [{ associationId: `vpc-cidr-assoc-${hash(id, 17)}`, cidrBlock, state: "associated" }],
    default: isDefault,
    dhcpOptionsId: `dopt-${hash(`${id}dhcp`, 17)}`,
    enableDnsHostnames: isDefault,
    enableDnsSupport: true,
    instanceTenancy: "default",
    mainRouteTableId: `rtb-${hash(`${id}main`, 17)}`,
    ownerId: ctx.accountId,
    state: "available",
    tags: inputs.tags ?? {},
  };
};

/** One subnet per zone of the region, ids derived from the query so different filters give different subnets. */
const getSubnets: FakeCall = (inputs, ctx) => {
  const { names } = availabilityZones(ctx.region, ctx.accountId);
  return { id: ctx.region, ids: names.map((zone) => `subnet-${hash(`${zone}:${JSON.stringify(inputs)}`, 17)}`), filters: inputs.filters, tags: inputs.tags };
};

/**
 * `kubernetes:yaml:decode`, which `k8s.yaml.ConfigFile` and `ConfigGroup` call to turn YAML into objects: decoded for
 * real, every document in order, empty documents skipped (as the provider's YAML decoder does). A document that does
 * not parse fails the call, naming the document, as the provider would fail the preview.
 */
export function decodeKubernetesYaml(text: unknown): unknown[] {
  if (typeof text !== "string") throw new Error(`kubernetes:yaml:decode: text must be a string, got ${typeof text}`);
  const out: unknown[] = [];
  YAML.parseAllDocuments(text).forEach((doc, index) => {
    if (doc.errors.length > 0) throw new Error(`kubernetes:yaml:decode: YAML document ${index + 1} does not parse: ${doc.errors[0].message}`);
    const value = doc.toJS({ maxAliasCount: 100 });
    if (value !== null && value !== undefined) out.push(value);
  });
  return out;
}

/**
 * Canonical hosted zone ids of Elastic Load Balancing per region, as the provider's `aws.lb.getHostedZoneId` answers
 * them (a static table in the provider; AWS General Reference, "Elastic Load Balancing endpoints and quotas").
 * Application and Classic load balancers share one id per region; Network load balancers have their own (listed
 * only where checked against two independent sources; a missing one is an error, never a guess).
 */
const ELB_ZONE_IDS: Record<string, { application: string; network?: string }> = {
  "us-east-1": { application: "Z35SXDOTRQ7X7K", network: "Z26RNL4JYFTOTI" },
  "us-east-2": { application: "Z3AADJGX6KTTL2", network: "ZLMOA37VPKANP" },
  "us-west-1": { application: "Z368ELLRRE2KJ0" },
  "us-west-2": { application: "Z1H1FL5HABSF5" },
  "ca-central-1": { application: "ZQSVJUPU6J1EY" },
  "eu-west-1": { application: "Z32O12XQLNTSW2", network: "Z2IFOLAFXWLO4F" },
  "eu-west-2": { application: "ZHURV8PSTC4K8", network: "ZD4D7Y8KGAS4G" },
  "eu-west-3": { application: "Z3Q77PNBQS71R4", network: "Z1CMS0P5QUZ6D5" },
  "eu-central-1": { application: "Z215JYRZR1TBD5", network: "Z3F0SRJ5LGBH90" },
  "eu-north-1": { application: "Z23TAZ6LKFMNIO", network: "Z1UDT6IFJ4EJM" },
  "ap-northeast-1": { application: "Z14GRHDCWA56QT", network: "Z31USIVHYNEOWT" },
  "ap-northeast-2": { application: "ZWKZPGTI48KDX" },
  "ap-southeast-1": { application: "Z1LMS91P8CMLE5", network: "ZKVM4W9LS7TM" },
  "ap-southeast-2": { application: "Z1GM3OXH4ZPM65" },
  "ap-south-1": { application: "ZP97RAFLXTNZK" },
  "sa-east-1": { application: "Z2P70J7HTTTPLU", network: "ZTK26PT1VY4CU" },
};

const getElbHostedZoneId: FakeCall = (inputs, ctx) => {
  const region = typeof inputs.region === "string" ? inputs.region : ctx.region;
  const type = inputs.loadBalancerType ?? "application";
  const ids = ELB_ZONE_IDS[region];
  const id = type === "application" || type === "network" ? ids?.[type as "application" | "network"] : undefined;
  if (!id) {
    throw new Error(`aws:lb/getHostedZoneId: the offline fake knows no ${JSON.stringify(type)} load balancer zone for ${region}; add it to ELB_ZONE_IDS in src/testing/fake-calls.ts`);
  }
  return { id, region, loadBalancerType: type };
};

const CALLS: Record<string, FakeCall> = {
  "aws:lb/getHostedZoneId:getHostedZoneId": getElbHostedZoneId,
  "kubernetes:yaml:decode": (inputs) => ({ result: decodeKubernetesYaml(inputs.text) }),
  // helm.v3.Chart renders its templates through this call; offline there is no chart to render. The chart is recorded
  // as unjudged (see unjudged.ts) and yields no objects, so its absence is reported rather than silently passed.
  "kubernetes:helm:template": () => ({ result: [] }),
  "aws:index/getCallerIdentity:getCallerIdentity": (_i, ctx) => ({
    accountId: ctx.accountId,
    arn: `arn:aws:iam::${ctx.accountId}:user/offline-plan`,
    userId: "AIDAOFFLINEPLAN",
    id: ctx.accountId,
  }),
  "aws:index/getRegion:getRegion": (_i, ctx) => ({ name: ctx.region, region: ctx.region, id: ctx.region, description: ctx.region, endpoint: `ec2.${ctx.region}.amazonaws.com` }),
  "aws:index/getPartition:getPartition": () => ({ partition: "aws", dnsSuffix: "amazonaws.com", reverseDnsPrefix: "com.amazonaws", id: "aws" }),
  "aws:index/getAvailabilityZones:getAvailabilityZones": getAvailabilityZones,
  "aws:ec2/getAmi:getAmi": getAmi,
  "aws:ec2/getVpc:getVpc": getVpc,
  "aws:ec2/getSubnets:getSubnets": getSubnets,
  "aws:iam/getPolicyDocument:getPolicyDocument": (inputs) => ({ ...inputs, ...renderPolicyDocument(inputs) }),
  "aws:eks/getClusterAuth:getClusterAuth": (inputs) => ({
    id: inputs.name,
    name: inputs.name,
    // The provider marks the token secret; a fake token must stay secret too, so no plan ever prints it.
    token: secret(`k8s-aws-v1.offline-${hash(String(inputs.name), 32)}`),
  }),
};

/** Raised when a program calls a provider function the offline runtime cannot answer. */
export class MissingFakeError extends Error {
  constructor(readonly token: string) {
    super(
      `offline runtime: no fake for provider function ${token}, so its result cannot be known without a cloud. ` +
        `In a test, pass a fake: installMockRuntime({ ..., calls: { "${token}": (inputs) => ({ /* result */ }) } }); ` +
        `for the plan, add one to src/testing/fake-calls.ts or compute the value in the program.`,
    );
    this.name = "MissingFakeError";
  }
}

/** Answers a provider function call offline: the caller's own fakes first, then the built-in ones. */
export function fakeCall(token: string, inputs: Record<string, any>, ctx: FakeCallContext, extra: Readonly<Record<string, FakeCall>> = {}): Record<string, unknown> {
  const answer = extra[token] ?? CALLS[token];
  if (!answer) throw new MissingFakeError(token);
  return answer(inputs, ctx);
}
