/**
 * Issue 17, "what config accepts always builds": a property-based walk over the stack config space around each
 * committed stack, with the boundary values (replica floor 2/3, NAT Single in staging, SLO 90 / 93.06,
 * 4 regions in prod, RPO/RTO at and past each profile's bound, a CIDR with a leading zero).
 *
 * - Every config `parsePlatformConfig` rejects names only keys that were changed (the base configs are valid), each
 *   as `production-platform:<key>`.
 * - Every config it accepts builds (no component refuses it) and every pack, pod-security included, run in process at
 *   the environment's enforcement (policy/<pack>/config/<env>.json, policy/exemptions.yaml) reports no mandatory
 *   finding. The builds are the expensive part (a prod program is ~1,100 resources), so instead of random accepted
 *   configs (three builds that could land on one environment) each environment is built once at every accepted
 *   boundary of its profile at the same time: replica floor, fewest zones, loosest objectives, the cheapest NAT mode
 *   allowed, the lowest SLO the burn-rate page can fire for, on every service. Not run here: the analyzer protocol
 *   (test/cli covers it on the committed stacks).
 */
import * as fs from "fs";
import * as path from "path";
import fc from "fast-check";
import * as YAML from "yaml";
import { findExemption, loadExemptions } from "../../policy/common/exemptions";
import { appliesTo, isStackRule, Rule, RuleContext, Subject } from "../../policy/common/finding";
import { RULE_PACKS } from "../../src/policies";
import { ADVISORY_RULE, CHECK_RULES, NAMESPACE_RULE } from "../../policy/pod-security/rules";
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

/** Every pack's config for the environment, as `plan` applies `policy/<pack>/config/<env>.json`. */
function packConfig(pack: string, env: Environment): Record<string, any> {
  return JSON.parse(fs.readFileSync(path.join(ROOT, "policy", pack, "config", `${env}.json`), "utf8"));
}

const EXEMPTIONS = loadExemptions(path.join(ROOT, "policy", "exemptions.yaml"));

/** Every pack the plan runs, as rule lists: the four rule-model packs and pod-security (policy/pod-security/index.ts). */
const PACKS: Readonly<Record<string, readonly Rule[]>> = {
  ...Object.fromEntries(Object.entries(RULE_PACKS).map(([pack, { rules }]) => [pack, rules as readonly Rule[]])),
  "pod-security": [...CHECK_RULES, ADVISORY_RULE, NAMESPACE_RULE],
};

/** A policy's level and context from its pack's config, as the wiring (policy/common/wiring.ts) reads them. */
function policyContext(config: Record<string, any>, rule: Rule): { level: string; ctx: RuleContext } {
  const own = config[rule.meta.id];
  const level = typeof own === "string" ? own : own?.enforcementLevel ?? config.all ?? "advisory";
  const policyConfig = typeof own === "object" && own ? own : {};
  return { level, ctx: { environment: policyConfig.environment ?? "dev", config: policyConfig } };
}

/**
 * Mandatory findings of every pack, in process. Mirrors the engine's order (pkg/engine: `Analyze` for each resource
 * as it registers, every pack's resource policies on it, then one `AnalyzeStack`), which pod-security depends on: it
 * remembers a Namespace when it is analysed and judges later workloads at its labels. A policy's level is its own
 * entry or `all`; "cannot tell yet" and advisory findings never block; an exemption in force turns a finding advisory.
 */
function mandatoryFindings(subjects: readonly Subject[], env: Environment, today: Date): string[] {
  const out: string[] = [];
  const judge = (pack: string, rule: Rule, findings: readonly { f: { undecided?: boolean; advisory?: boolean; message: string }; s?: Subject }[]) => {
    for (const { f, s } of findings) {
      if (f.undecided || f.advisory) continue;
      if (s && findExemption(EXEMPTIONS, rule.meta.id, s, today)?.status === "exempted") continue;
      out.push(`${pack}/${rule.meta.id}: ${s?.urn ?? "(stack)"}: ${f.message}`);
    }
  };
  const enforced = Object.entries(PACKS).flatMap(([pack, rules]) => {
    const config = packConfig(pack, env);
    return rules.map((rule) => ({ pack, rule, ...policyContext(config, rule) })).filter((p) => p.level === "mandatory");
  });
  for (const s of subjects) {
    for (const { pack, rule, ctx } of enforced) {
      if (isStackRule(rule) || !appliesTo(rule, s.type)) continue;
      judge(pack, rule, rule.check(s, ctx).map((f) => ({ f, s: f.subject ?? s })));
    }
  }
  for (const { pack, rule, ctx } of enforced) {
    if (isStackRule(rule)) judge(pack, rule, rule.check(subjects, ctx).map((f) => ({ f, s: f.subject })));
  }
  return out;
}

/**
 * Each environment at every accepted boundary of its profile at once (read from the profile, so a changed floor
 * moves the test with it): the replica floor and the lowest SLO the 14.4× page can fire for (93.06 %) on every
 * service, the fewest zones, the loosest objectives, and a single NAT gateway wherever it is allowed.
 */
function atBoundaries(env: Environment): Change[] {
  const profile = ENVIRONMENT_PROFILES[env];
  const everyService = (field: string, value: unknown): Change => ({ keys: ["services"], apply: (raw) => { raw.services = raw.services.map((s: any) => ({ ...s, [field]: value })); } });
  return [
    everyService("minReplicas", profile.minReplicas),
    everyService("sloObjective", 93.06),
    set("availabilityZones", profile.minZones),
    objectives(profile.maxRpoSeconds, profile.maxRtoSeconds),
    set("natGateways", profile.natGateways.allowed.includes("Single") ? "Single" : "OnePerZone"),
  ];
}

test.each<Environment>(["dev", "staging", "prod"])("%s at every accepted boundary of its profile is accepted, builds, and no pack (pod-security included) reports a mandatory finding", async (env) => {
  const raw = stackValues(env);
  for (const c of atBoundaries(env)) c.apply(raw);
  expect(parse(raw)).toBe("accepted");
  const config = parsePlatformConfig(raw);
  const { recorder } = await runOffline(async () => {
    const providers = regionalProviders(config);
    buildPlatform(config, { providers, zones: await lookUpZones(config, providers) });
  }, { preview: true, project: "production-platform", stack: env, config: { environment: env } });
  expect(recorder.resources.length).toBeGreaterThan(100);
  // The walk judged something: every pack has a mandatory policy here in prod, and pod-security judged pods.
  expect(recorder.resources.some((r) => r.type === "kubernetes:apps/v1:Deployment")).toBe(true);
  for (const pack of Object.keys(PACKS)) expect(packConfig(pack, env).all).toBe(ENVIRONMENT_PROFILES[env].enforcement);
  expect(mandatoryFindings(subjectsOf(recorder), env, new Date())).toEqual([]);
}, 300_000);

test("the in-process packs do report a mandatory finding when one is there (the check above can fail)", async () => {
  const { recorder } = await runOffline(async () => {
    const k8s = await import("@pulumi/kubernetes");
    new k8s.apps.v1.Deployment("privileged", {
      metadata: { namespace: "payments" },
      spec: { selector: { matchLabels: { app: "x" } }, template: { metadata: { labels: { app: "x" } }, spec: { containers: [{ name: "x", image: "nginx", securityContext: { privileged: true } }] } } },
    });
  }, { preview: true, project: "production-platform", stack: "prod", config: { environment: "prod" } });
  const findings = mandatoryFindings(subjectsOf(recorder), "prod", new Date());
  expect(findings.some((f) => f.startsWith("pod-security/privileged:"))).toBe(true);
  expect(findings.some((f) => f.startsWith("workload-resilience/"))).toBe(true);
});
