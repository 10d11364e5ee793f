/**
 * The `@pulumi/policy` floor of each pack: a twin with the same policies (names, resource or stack, the same
 * one-type tags that let `@pulumi/policy` skip other types) whose validations do nothing. `@pulumi/policy`
 * deserialises a resource's properties once per resource policy in `Analyze` and every resource once per stack
 * policy in `AnalyzeStack`, so a pack of N policies pays that much whatever its rules do; the twin measures it, and
 * "with packs" minus "with twins" is what the rules and the wiring cost. Twins are written as JavaScript into this
 * checkout's compiled-pack cache (node_modules/.cache/production-platform/packs/floor-<pack>), so they start the way
 * the compiled packs start (src/testing/compiled-pack-runner.ts).
 */
import * as fs from "fs";
import * as path from "path";
import type { ResourceRule, Rule } from "../policy/common/finding";
import { runnablePackDir } from "../src/testing/pack-build";
import { PACK_RULES } from "./pack-rules";

const ROOT = path.resolve(__dirname, "..");

interface TwinPolicy {
  readonly name: string;
  readonly stack: boolean;
  readonly type?: string;
}

function twinPolicies(rules: readonly Rule[]): TwinPolicy[] {
  return rules.map((rule) => {
    if (!("types" in rule)) return { name: rule.meta.id, stack: true };
    const types = (rule as ResourceRule).types;
    return { name: rule.meta.id, stack: false, type: Array.isArray(types) && types.length === 1 ? types[0] : undefined };
  });
}

// The same first imports as every pack (policy/common/defer-sdk-root.ts and deserialise-once.ts, compiled), so twins
// start and deserialise as ours do.
const index = (common: string) => `"use strict";
require(${JSON.stringify(path.join(common, "defer-sdk-root.js"))});
require(${JSON.stringify(path.join(common, "deserialise-once.js"))});
const { PolicyPack } = require("@pulumi/policy");
const policies = require("./policies.json").map((p) => {
  const base = { name: p.name, description: "no-op twin of " + p.name, enforcementLevel: "advisory" };
  if (p.stack) return { ...base, validateStack: () => {} };
  const validateResource = () => {};
  if (p.type) validateResource.__pulumiType = p.type;
  return { ...base, validateResource };
});
new PolicyPack(require("./package.json").name, { policies });
`;

/** Writes (or reuses) each pack's no-op twin; returns their directories, in pack order. */
export function floorPackDirs(): string[] {
  const cache = path.join(ROOT, "node_modules", ".cache", "production-platform", "packs");
  const common = path.join(runnablePackDir(path.join(ROOT, "policy", "aws-baseline")), "lib", "common");
  return Object.entries(PACK_RULES).map(([pack, rules]) => {
    const dir = path.join(cache, `floor-${pack}`);
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, "package.json"), JSON.stringify({ name: `floor-${pack}`, version: "0.0.1", main: "index.js" }, null, 2));
    fs.writeFileSync(path.join(dir, "PulumiPolicy.yaml"), "runtime: nodejs\n");
    fs.writeFileSync(path.join(dir, "policies.json"), JSON.stringify(twinPolicies(rules), null, 1));
    fs.writeFileSync(path.join(dir, "index.js"), index(common));
    return dir;
  });
}
