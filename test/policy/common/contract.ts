/**
 * What every one of our packs promises, as shared test blocks: the exact policy list, metadata on every policy,
 * inventory in sync with the pack, and per-environment config files the CLI accepts (advisory in dev, mandatory in
 * prod) that the pack applies.
 */
import * as fs from "fs";
import * as path from "path";
import type { AnalyzerResource, PolicyPackClient } from "../../../src/testing/analyzer";
import { normalizePackConfig } from "../../../src/testing/analyzer";
import { metaProblems } from "../../../policy/common/metadata";
import type { ResourceRule, StackRule } from "../../../policy/common/finding";
import { Control, inventoryProblems } from "../../../policy/common/score";
import { analyzeAll, packDir } from "./packs";

export function packContract(opts: {
  pack: string;
  client: () => PolicyPackClient;
  policies: readonly string[];
  rules: readonly (ResourceRule | StackRule)[];
  inventory: readonly Control[];
  /** A stack with at least one violation, to see the configured enforcement level. */
  violating: () => AnalyzerResource[];
}): void {
  describe(`${opts.pack} pack contract`, () => {
    test("serves exactly the expected policies, in order", async () => {
      const info = await opts.client().info();
      expect(info.name).toBe(opts.pack);
      expect(info.policies.map((p) => p.name)).toEqual(opts.policies);
    });

    test("every policy carries id, framework + control id, severity and a remediation sentence", async () => {
      expect(opts.rules.flatMap((r) => metaProblems(r.meta))).toEqual([]);
      for (const p of (await opts.client().info()).policies) {
        expect(p.severity).toMatch(/^(low|medium|high|critical)$/);
        expect(p.framework?.specification).toBeTruthy();
        expect(p.remediationSteps).toMatch(/\.$/);
        expect(p.description).toMatch(/^[A-Z0-9-.]+ \S+: /);
        expect(Object.keys(p.configSchema?.properties ?? {})).toEqual(expect.arrayContaining(["environment", "exemptionsFile", "today"]));
      }
    });

    test("the control inventory maps every policy and lists not-decidable controls without policies", () => {
      expect(inventoryProblems(opts.inventory, opts.policies)).toEqual([]);
    });

    test.each([
      ["dev", "advisory"],
      ["staging", undefined],
      ["prod", "mandatory"],
    ])("config/%s.json is valid CLI pack config and applies %s", async (env, level) => {
      const file = path.join(packDir(opts.pack), "config", `${env}.json`);
      const config = JSON.parse(fs.readFileSync(file, "utf8"));
      const normalized = normalizePackConfig(config, await opts.client().info());
      if (level) for (const [, entry] of normalized) expect(entry.enforcementLevel).toBe(level);
      await opts.client().configure(config);
      try {
        const findings = await analyzeAll(opts.client(), opts.violating());
        expect(findings.length).toBeGreaterThan(0);
        if (level) expect(new Set(findings.map((f) => f.enforcementLevel))).toEqual(new Set([level]));
      } finally {
        await opts.client().configure({ all: "advisory" });
      }
    });
  });
}
