/**
 * Issue 17, "what config accepts always builds": a property-based walk over the stack config space around each
 * committed stack, with the issue's boundary values (replica floor 2/3, NAT Single in staging, SLO 90 / 93.06,
 * 4 regions in prod, RPO/RTO at and past each profile's bound, a CIDR with a leading zero).
 *
 * - Every config `parsePlatformConfig` rejects names only keys that were changed (the base configs are valid), each
 *   as `production-platform:<key>`.
 * - Every config it accepts builds (no component refuses it) and, for a sample, the rule packs run in process at the
 *   environment's enforcement (policy/<pack>/config/<env>.json, policy/exemptions.yaml) report no mandatory finding.
 *   Not run here: the pod-security pack (its own engine; the committed plans' tests judge it) and the analyzer protocol.
 */
import * as fs from "fs";
import * as path from "path";
import fc from "fast-check";
import * as YAML from "yaml";
import { findExemption, loadExemptions } from "../../policy/common/exemptions";
import { appliesTo, isStackRule, Rule, RuleContext, Subject } from "../../policy/common/finding";
import { RULE_PACKS } from "../../src/policies";
import { runOffline, subjectsOf } from "../../src/testing";
import { ValidationError } from "../../components/shared/validation";
import { ENVIRONMENT_PROFILES, Environment } from "../../components/shared/environment";
import { CONFIG_KEYS, parsePlatformConfig } from "../../stacks/config";
import { buildPlatform, regionalProviders } from "../../stacks/platform";
import { lookUpZones } from "../../stacks/zones";

const ROOT = path.join(__dirname, "..", "..");
const NS = "production-platform:";

function stackValues(stack: string): Record<string, any> {
  const config = YAML.parse(fs.readFileSync(path.join(ROOT, `Pulumi.${stack}.yaml`), "utf8")).config as Record<string, unknown>;
  return Object.fromEntries(Object.entries(config).map(([k, v]) => [k.slice(NS.length), v]));
}

/** A change to a base config and the top-level keys it touches. */
interface Change {
  readonly keys: readonly string[];
  apply(raw: Record<string, any>): void;
}

const set = (key: string, value: unknown, also: readonly string[] = []): Change => ({ keys: [key, ...also], apply: (raw) => { raw[key] = value; } });
const service = (field: string, value: unknown): Change => ({
  keys: ["services"],
  apply: (raw) => { raw.services = raw.services.map((s: any, i: number) => (i === 0 ? { ...s, [field]: value } : s)); },
});
/** A fourth region with its own range (and its transit gateway where the stack routes deployer ranges). */
const fourthRegion: Change = {
  keys: ["regions"],
  apply: (raw) => {
    raw.regions = [...raw.regions, "ca-central-1"];
    raw.vpcCidrs = { ...raw.vpcCidrs, "ca-central-1": "10.90.0.0/16" };
    const access = raw.clusterApiAccess;
    if (access?.cidrs?.length) raw.clusterApiAccess = { ...access, transitGatewayIds: { ...access.transitGatewayIds, "ca-central-1": "tgw-0123456789abcdef9" } };
  },
};
const leadingZeroCidr: Change = {
  keys: ["vpcCidrs"],
  apply: (raw) => { raw.vpcCidrs = { ...raw.vpcCidrs, [raw.regions[0]]: raw.vpcCidrs[raw.regions[0]].replace(/^10\.(\d+)\./, "10.0$1.") }; },
};
const objectives = (rpoSeconds: number, rtoSeconds: number): Change => set("recoveryObjectives", { rpoSeconds, rtoSeconds });

/** The boundary values, for every environment (what is a boundary in one is a plain value in another). */
const CHANGES: fc.Arbitrary<Change> = fc.oneof(
  fc.constantFrom(...[1, 2, 3, 4].map((n) => service("minReplicas", n))),
  fc.constantFrom(...[0.999, 90, 93.05, 93.06, 93.07, 99.5, 99.99, 100].map((n) => service("sloObjective", n))),
  fc.constantFrom(set("natGateways", "Single"), set("natGateways", "OnePerZone")),
  fc.constantFrom(...[1, 2, 3, 4].map((n) => set("availabilityZones", n))),
  fc.constantFrom(fourthRegion, leadingZeroCidr),
  fc.constantFrom(objectives(60, 300), objectives(61, 300), objectives(60, 301), objectives(3600, 3600), objectives(3601, 3600), objectives(86400, 86400), objectives(86401, 86400)),
  fc.constantFrom(service("image", "ghcr.io/acme/app@sha256:abc"), service("image", "ghcr.io/acme/app:-bad"), service("image", "ghcr.io/acme/app:1.0.0 ")),
);

const STACK = fc.constantFrom<Environment>("dev", "staging", "prod");
const CONFIGS = fc.tuple(STACK, fc.array(CHANGES, { minLength: 1, maxLength: 3 })).map(([env, changes]) => {
  const raw = stackValues(env);
  for (const change of changes) change.apply(raw);
  return { env, raw, keys: new Set(changes.flatMap((c) => c.keys)) };
});

const topLevel = (property: string) => property.slice(NS.length).split(/[.[]/)[0];

function parse(raw: Record<string, unknown>): ValidationError | "accepted" {
  try {
    parsePlatformConfig(raw);
    return "accepted";
  } catch (err) {
    if (err instanceof ValidationError) return err;
    throw err;
  }
}

test("the committed stacks' configs are accepted (the base of every walk)", () => {
  for (const env of ["dev", "staging", "prod"]) expect(parse(stackValues(env))).toBe("accepted");
});

test("every rejected config names only the keys that were changed, as production-platform:<key>", () => {
  fc.assert(
    fc.property(CONFIGS, ({ raw, keys }) => {
      const verdict = parse(raw);
      if (verdict === "accepted") return;
      for (const p of verdict.problems) {
        expect(p.property.startsWith(NS)).toBe(true);
        expect((CONFIG_KEYS as readonly string[]).includes(topLevel(p.property))).toBe(true);
        expect({ property: p.property, changed: [...keys].includes(topLevel(p.property)) }).toEqual({ property: p.property, changed: true });
      }
    }),
    { numRuns: 300, seed: 17 },
  );
});

test.each([
  ["staging with a single NAT gateway", "staging", set("natGateways", "Single"), "production-platform:natGateways"],
  ["prod with two replicas", "prod", service("minReplicas", 2), "production-platform:services[0].minReplicas"],
  ["an SLO of 90 % (accepted before, never pages)", "prod", service("sloObjective", 90), "production-platform:services[0].sloObjective"],
  ["an SLO of 93.05 % (below 100 − 100/14.4 ≈ 93.056: the 14.4× page could never fire)", "prod", service("sloObjective", 93.05), "production-platform:services[0].sloObjective"],
  ["four regions in prod (the global datastore spans three)", "prod", fourthRegion, "production-platform:regions"],
  ["a CIDR with a leading zero", "staging", leadingZeroCidr, "production-platform:vpcCidrs.us-east-1"],
  ["an image digest that is not one", "prod", service("image", "ghcr.io/acme/app@sha256:abc"), "production-platform:services[0].image"],
  ["an image tag that starts with '-'", "dev", service("image", "ghcr.io/acme/app:-bad"), "production-platform:services[0].image"],
  ["an image with a trailing space", "dev", service("image", "ghcr.io/acme/app:1.0.0 "), "production-platform:services[0].image"],
])("boundary: %s (%s) is refused, naming %s", (_label, env, change, key) => {
  const raw = stackValues(env as string);
  change.apply(raw);
  const verdict = parse(raw);
  expect(verdict).toBeInstanceOf(ValidationError);
  expect((verdict as ValidationError).problems.map((p) => p.property)).toContain(key);
});

test.each([
  ["prod at three replicas and 93.06 %", "prod", [service("minReplicas", 3), service("sloObjective", 93.06)]],
  ["dev with one replica and a single NAT gateway", "dev", [service("minReplicas", 1), set("natGateways", "Single")]],
  ["staging at its loosest objectives", "staging", [objectives(3600, 3600)]],
])("boundary: %s is accepted", (_label, env, changes) => {
  const raw = stackValues(env as string);
  for (const c of changes as Change[]) c.apply(raw);
  expect(parse(raw)).toBe("accepted");
});

/** Every pack's config for the environment, as `plan` applies `policy/<pack>/config/<env>.json`. */
function packConfig(pack: string, env: Environment): Record<string, any> {
  return JSON.parse(fs.readFileSync(path.join(ROOT, "policy", pack, "config", `${env}.json`), "utf8"));
}

const EXEMPTIONS = loadExemptions(path.join(ROOT, "policy", "exemptions.yaml"));

/**
 * Mandatory findings of the rule packs, in process. Mirrors the wiring (policy/common/wiring.ts): a policy's level
 * is its own entry or `all`; its context is its config object (environment defaults to dev, as the schema says);
 * "cannot tell yet" and advisory findings never block; an exemption in force turns a finding advisory.
 */
function mandatoryFindings(subjects: readonly Subject[], env: Environment, today: Date): string[] {
  const out: string[] = [];
  for (const [pack, { rules }] of Object.entries(RULE_PACKS)) {
    const config = packConfig(pack, env);
    for (const rule of rules as readonly Rule[]) {
      const own = config[rule.meta.id];
      const level = typeof own === "string" ? own : own?.enforcementLevel ?? config.all ?? "advisory";
      if (level !== "mandatory") continue;
      const policyConfig = typeof own === "object" && own ? own : {};
      const ctx: RuleContext = { environment: policyConfig.environment ?? "dev", config: policyConfig };
      const findings = isStackRule(rule)
        ? rule.check(subjects, ctx).map((f) => ({ f, s: f.subject }))
        : subjects.filter((s) => appliesTo(rule, s.type)).flatMap((s) => rule.check(s, ctx).map((f) => ({ f, s: f.subject ?? s })));
      for (const { f, s } of findings) {
        if (f.undecided || f.advisory) continue;
        if (s && findExemption(EXEMPTIONS, rule.meta.id, s, today)?.status === "exempted") continue;
        out.push(`${pack}/${rule.meta.id}: ${s?.urn ?? "(stack)"}: ${f.message}`);
      }
    }
  }
  return out;
}

/** Accepted configs only: the boundary changes that every environment accepts, so the sample is not mostly rejects. */
const ACCEPTED = fc.tuple(STACK, fc.array(fc.constantFrom(service("minReplicas", 3), service("sloObjective", 93.07), service("sloObjective", 99.99), set("natGateways", "OnePerZone"), set("availabilityZones", 3)), { maxLength: 3 }));

test("every accepted config builds, and its rule packs report no mandatory finding at its enforcement", async () => {
  const today = new Date();
  await fc.assert(
    fc.asyncProperty(ACCEPTED, async ([env, changes]) => {
      const raw = stackValues(env);
      for (const c of changes) c.apply(raw);
      const config = parsePlatformConfig(raw);
      const { recorder } = await runOffline(async () => {
        const providers = regionalProviders(config);
        buildPlatform(config, { providers, zones: await lookUpZones(config, providers) });
      }, { preview: true, project: "production-platform", stack: env, config: { environment: env } });
      expect(recorder.resources.length).toBeGreaterThan(100);
      expect(packConfig("aws-baseline", env).all).toBe(ENVIRONMENT_PROFILES[env].enforcement);
      expect(mandatoryFindings(subjectsOf(recorder), env, today)).toEqual([]);
    }),
    { numRuns: 3, seed: 17 },
  );
}, 300_000);
