/**
 * Issue 15 item 11 and issue 17's subnet slots: zones chosen by AZ ID from the account's own zone list (never
 * letters), too few zones is a config error (exit 2) before anything but the providers registers, and a zone added
 * or removed in config leaves every other zone's subnets, CIDRs and URNs as they were, on the recorded resources.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as YAML from "yaml";
import { EKS_UNSUPPORTED_ZONE_IDS } from "../../components/cluster/zones";
import { availabilityZones } from "../../src/testing/fake-calls";
import { chooseZones, OfferedZones } from "../../stacks/zones";
import { planFor, ROOT } from "../support/plans";

const USE1: OfferedZones = { names: ["us-east-1a", "us-east-1b", "us-east-1c", "us-east-1d"], zoneIds: ["use1-az2", "use1-az4", "use1-az6", "use1-az1"] };
const base = { environment: "prod" as const, availabilityZones: 3, availabilityZoneIds: {}, excludedAvailabilityZoneIds: [], subnetCidrs: {} };

describe("chooseZones", () => {
  test("takes the first zones by name of what the account offers, with their AZ IDs", () => {
    expect(chooseZones(base, "us-east-1", USE1)).toEqual({ zones: { names: ["us-east-1a", "us-east-1b", "us-east-1c"], ids: ["use1-az2", "use1-az4", "use1-az6"] }, problems: [] });
  });

  test("explicit AZ IDs pick those physical zones, in the given order, whatever their names in this account", () => {
    const choice = chooseZones({ ...base, availabilityZoneIds: { "us-east-1": ["use1-az1", "use1-az2", "use1-az4"] } }, "us-east-1", USE1);
    expect(choice.zones).toEqual({ names: ["us-east-1d", "us-east-1a", "us-east-1b"], ids: ["use1-az1", "use1-az2", "use1-az4"] });
  });

  test.each<[string, Partial<typeof base> & Record<string, unknown>, OfferedZones, RegExp]>([
    ["an explicit AZ ID the account does not offer (or excluded)", { availabilityZoneIds: { "us-east-1": ["use1-az1", "use1-az2", "use1-az5"] } }, USE1,
      /availabilityZoneIds.us-east-1\[2\] \| "use1-az5" \| an AZ ID us-east-1 offers this account.*offered: us-east-1a=use1-az2/],
    ["more zones than remain", { availabilityZones: 5 }, USE1, /availabilityZones \| 5 \| no more than the 4 zone\(s\) us-east-1 offers.*\| pulumi config set production-platform:availabilityZones 4/],
    ["fewer zones than prod's floor remain", {}, { names: ["us-west-1b", "us-west-1c"], zoneIds: ["usw1-az3", "usw1-az1"] },
      /availabilityZones \| 3 \| no more than the 2 zone\(s\) us-west-1 offers.*at least 3 in prod \| choose another region than us-west-1, or drop AZ IDs/],
    ["explicit CIDRs for a zone the stack does not use", { subnetCidrs: { "us-east-1d": { private: "10.10.48.0/20", public: "10.10.152.0/21" } } }, USE1,
      /subnetCidrs\["us-east-1d"\] \| .* CIDRs only for zones the stack uses in us-east-1 \(us-east-1a, us-east-1b, us-east-1c\)/],
  ])("%s is a problem naming the key, the value and the fix", (_label, override, offered, expected) => {
    const region = offered.names[0].slice(0, -1);
    const { zones, problems } = chooseZones({ ...base, ...override }, region, offered);
    expect(zones).toBeUndefined();
    expect(problems.map((p) => `${p.property} | ${JSON.stringify(p.value)} | ${p.rule} | ${p.fix}`).join("\n")).toMatch(expected);
  });
});

/** A copy of a committed stack with `edit` applied, planned by the real CLI. */
function planEdited(stack: string, edit: (config: Record<string, any>) => void, extra: string[] = []): { status: number | null; text: string; resources: any[] } {
  const project = fs.mkdtempSync(path.join(os.tmpdir(), `zones-${stack}-`));
  const pulumiYaml = YAML.parse(fs.readFileSync(path.join(ROOT, "Pulumi.yaml"), "utf8"));
  pulumiYaml.main = path.join(ROOT, "stacks", "index.ts");
  fs.writeFileSync(path.join(project, "Pulumi.yaml"), YAML.stringify(pulumiYaml));
  const doc = YAML.parse(fs.readFileSync(path.join(ROOT, `Pulumi.${stack}.yaml`), "utf8"));
  edit(doc.config);
  fs.writeFileSync(path.join(project, `Pulumi.${stack}.yaml`), YAML.stringify(doc));
  const out = path.join(project, "out");
  const result = spawnSync(process.execPath, [path.join(ROOT, "bin", "production-platform.js"), "plan", "--stack", stack, "--program", project, "--out", out, "--no-policy", ...extra], { cwd: ROOT, encoding: "utf8", timeout: 300_000 });
  const file = path.join(out, "resources.json");
  return { status: result.status, text: `${result.stdout}${result.stderr}`, resources: fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, "utf8")) : [] };
}

const ns = (k: string) => `production-platform:${k}`;

describe("the prod plan", () => {
  const prod = planFor("prod");

  test("puts no subnet in a zone EKS refuses, by the AZ ID the account maps each zone name to", () => {
    expect(prod.exitCode).toBe(0);
    const subnets = prod.resources.filter((r) => r.type === "aws:ec2/subnet:Subnet");
    expect(subnets).toHaveLength(18);
    for (const s of subnets) {
      const region = s.props.availabilityZone.slice(0, -1);
      const { names, zoneIds } = availabilityZones(region);
      const id = zoneIds[names.indexOf(s.props.availabilityZone)];
      expect([s.name, EKS_UNSUPPORTED_ZONE_IDS.includes(id)]).toEqual([s.name, false]);
    }
  });
});

describe("zones in config, planned", () => {
  test("a prod region with too few EKS zones exits 2 naming the key, the value and the fix, and writes nothing", () => {
    const result = planEdited("prod", (c) => {
      c[ns("regions")] = ["us-east-1", "us-west-2", "us-west-1"];
      c[ns("vpcCidrs")] = { "us-east-1": "10.10.0.0/16", "us-west-2": "10.20.0.0/16", "us-west-1": "10.30.0.0/16" };
      c[ns("clusterApiAccess")].transitGatewayIds = { "us-east-1": "tgw-0023456789abcdef0", "us-west-2": "tgw-0123456789abcdef0", "us-west-1": "tgw-0223456789abcdef0" };
    });
    expect(result.status).toBe(2);
    expect(result.text).toMatch(/production-platform:availabilityZones: got 3; expected no more than the 2 zone\(s\) us-west-1 offers this account/);
    expect(result.text).toContain("Fix: choose another region than us-west-1");
    expect(result.text).not.toMatch(/^\s+at /m);
    expect(result.resources).toEqual([]);
  });

  test("adding a zone and then removing another keep every other zone's subnet CIDRs and URNs", () => {
    const subnetsOf = (resources: any[]) => new Map(resources.filter((r) => r.type === "aws:ec2/subnet:Subnet").map((r) => [r.urn, r.props.cidrBlock]));
    const two = planEdited("dev", () => undefined);
    const three = planEdited("dev", (c) => (c[ns("availabilityZones")] = 3));
    const { names, zoneIds } = availabilityZones("us-east-1");
    // Drop us-east-1a: keep b and c by AZ ID (the operator's way to say "these physical zones").
    const withoutA = planEdited("dev", (c) => (c[ns("availabilityZoneIds")] = { "us-east-1": [zoneIds[names.indexOf("us-east-1b")], zoneIds[names.indexOf("us-east-1c")]] }));
    expect([two.status, three.status, withoutA.status]).toEqual([0, 0, 0]);
    const [s2, s3, sNoA] = [two, three, withoutA].map((p) => subnetsOf(p.resources));
    expect(s2.size).toBe(4);
    expect(s3.size).toBe(6);
    for (const [urn, cidr] of s2) expect([urn, s3.get(urn)]).toEqual([urn, cidr]);
    for (const [urn, cidr] of sNoA) expect([urn, s3.get(urn)]).toEqual([urn, cidr]);
    const urns = (p: { resources: any[] }) => new Set(p.resources.map((r) => r.urn));
    const [u2, u3, uNoA] = [two, three, withoutA].map(urns);
    // Adding zone c adds resources and renames none; removing a removes only a's.
    expect([...u2].filter((u) => !u3.has(u))).toEqual([]);
    const removed = [...u3].filter((u) => !uNoA.has(u));
    expect(removed.length).toBeGreaterThan(0);
    expect(removed.filter((u) => !u.includes("us-east-1a"))).toEqual([]);
  });
});
