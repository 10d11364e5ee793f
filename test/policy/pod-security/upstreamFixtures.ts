/**
 * Loads the upstream pod-security-admission conformance fixtures from the shared checkout next to the repo
 * (`../shared/conformance/pod-security-admission`). They are read in place, never copied into the repo.
 */
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { Level, Pod } from "../../../policy/pod-security/api";

export const FIXTURES_DIR = path.resolve(__dirname, "../../../../shared/conformance/pod-security-admission");
export const fixturesPresent = fs.existsSync(path.join(FIXTURES_DIR, "INDEX.csv"));

export interface UpstreamFixture {
  readonly level: Exclude<Level, "privileged">;
  readonly version: string;
  readonly minor: number;
  readonly expect: "pass" | "fail";
  /** Fixture group = upstream check id, lower-cased (`capabilities_baseline`, `base`). */
  readonly group: string;
  readonly file: string;
  readonly id: string;
  readonly doc: Record<string, unknown>;
  readonly pod: Pod;
}

let cache: UpstreamFixture[] | undefined;

export function loadUpstreamFixtures(): UpstreamFixture[] {
  if (cache) return cache;
  const rows = fs.readFileSync(path.join(FIXTURES_DIR, "INDEX.csv"), "utf8").split(/\r?\n/).map((l) => l.trim()).filter((l) => l !== "").slice(1);
  cache = rows.map((row) => {
    const [level, version, expect, group, indexPath] = row.split(",").map((c) => c.trim());
    const rel = indexPath.replace(/^test\/testdata\//, "");
    const file = path.join(FIXTURES_DIR, rel);
    const doc = parse(fs.readFileSync(file, "utf8")) as Record<string, unknown>;
    return {
      level: level as UpstreamFixture["level"],
      version,
      minor: Number(version.slice(3)),
      expect: expect as "pass" | "fail",
      group,
      file,
      id: rel.replace(/\.yaml$/, ""),
      doc,
      pod: { metadata: (doc.metadata ?? {}) as Record<string, unknown>, spec: (doc.spec ?? {}) as Record<string, unknown> },
    };
  });
  return cache;
}
