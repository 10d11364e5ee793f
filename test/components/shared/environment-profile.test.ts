/**
 * The packs cannot import the environment profile (each is a self-contained package), so their config files are
 * proven equal to it here: a change to the table that is not carried into policy/<pack>/config/<env>.json fails.
 */
import * as fs from "fs";
import * as path from "path";
import { ENVIRONMENT_PROFILES, Environments, environmentProfile } from "../../../components/shared/environment";

const POLICY = path.join(__dirname, "..", "..", "..", "policy");
const PACKS = fs.readdirSync(POLICY).filter((d) => fs.existsSync(path.join(POLICY, d, "PulumiPolicy.yaml"))).sort();

function packConfig(pack: string, env: string): Record<string, unknown> {
  return JSON.parse(fs.readFileSync(path.join(POLICY, pack, "config", `${env}.json`), "utf8"));
}

test("every pack has a config file per environment", () => {
  expect(PACKS).toEqual(["aws-baseline", "kubernetes-cis", "pod-security", "runtime-coherence", "workload-resilience"]);
  for (const pack of PACKS) for (const env of Environments) expect(fs.existsSync(path.join(POLICY, pack, "config", `${env}.json`))).toBe(true);
});

describe.each(Environments)("%s", (env) => {
  const profile = ENVIRONMENT_PROFILES[env];

  test.each(PACKS)("%s enforces at the profile's level", (pack) => {
    expect(packConfig(pack, env).all).toBe(profile.enforcement);
  });

  test.each(PACKS)("%s: every policy that names an environment names this one", (pack) => {
    for (const [policy, value] of Object.entries(packConfig(pack, env))) {
      if (value && typeof value === "object" && "environment" in value) expect({ policy, environment: (value as { environment: unknown }).environment }).toEqual({ policy, environment: env });
    }
  });

  test("workload-resilience's replica floor is the profile's", () => {
    expect((packConfig("workload-resilience", env)["wr-replicas-minimum"] as { minReplicas: number }).minReplicas).toBe(profile.minReplicas);
  });
});

describe("the table itself", () => {
  test("prod is the strictest environment on every floor", () => {
    const prod = ENVIRONMENT_PROFILES.prod;
    for (const env of Environments) {
      const p = ENVIRONMENT_PROFILES[env];
      expect(p.minReplicas).toBeLessThanOrEqual(prod.minReplicas);
      expect(p.minZones).toBeLessThanOrEqual(prod.minZones);
      expect(p.minRegions).toBeLessThanOrEqual(prod.minRegions);
      expect(p.maxRpoSeconds).toBeGreaterThanOrEqual(prod.maxRpoSeconds);
      expect(p.maxRtoSeconds).toBeGreaterThanOrEqual(prod.maxRtoSeconds);
      expect(p.defaultMinReplicas).toBeGreaterThanOrEqual(p.minReplicas);
      expect(p.natGateways.allowed).toContain(p.natGateways.default);
    }
  });

  test("only dev may run a single NAT gateway (the Network component's rule)", () => {
    expect(Environments.filter((env) => ENVIRONMENT_PROFILES[env].natGateways.allowed.includes("Single"))).toEqual(["dev"]);
  });

  test.each([["production"], [undefined], ["Prod"]])("%p outside the union reads prod's profile (the stricter answer)", (value) => {
    expect(environmentProfile(value as never)).toBe(ENVIRONMENT_PROFILES.prod);
  });
});
