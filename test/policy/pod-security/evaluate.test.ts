/**
 * Upstream parity of the pure evaluator: every upstream fixture, v1.0 through v1.37, at exactly its level and version.
 * The protocol-driven twin of this test is conformance.test.ts.
 */
import { evaluatePodAt } from "../../../policy/pod-security/evaluate";
import { checksFor } from "../../../policy/pod-security/registry";
import { expectedCheck } from "./expectedCheck";
import { fixturesPresent, loadUpstreamFixtures } from "./upstreamFixtures";

const describeIfFixtures = fixturesPresent ? describe : describe.skip;

describeIfFixtures("upstream fixtures through evaluatePodAt", () => {
  const fixtures = fixturesPresent ? loadUpstreamFixtures() : [];

  test("the index holds the expected number of fixtures", () => {
    expect(fixtures.length).toBe(1555 + 2982);
  });

  test("every pass pod is allowed and every fail pod is denied by its own check, at v1.0–v1.37", () => {
    const wrong: string[] = [];
    for (const f of fixtures) {
      const outcomes = evaluatePodAt(f.pod, f.level, f.minor);
      const forbidden = outcomes.filter((o) => o.status !== "allowed").map((o) => o.checkId);
      if (f.expect === "pass" && forbidden.length > 0) wrong.push(`${f.id}: expected allowed, denied by ${forbidden.join(", ")}`);
      if (f.expect === "fail" && !forbidden.includes(expectedCheck(f))) {
        wrong.push(`${f.id}: expected denial by ${expectedCheck(f)}, got [${forbidden.join(", ")}]`);
      }
    }
    expect(wrong).toEqual([]);
  });

  test("every denial names a reason and a field-level fix", () => {
    for (const f of fixtures.filter((x) => x.expect === "fail")) {
      for (const o of evaluatePodAt(f.pod, f.level, f.minor).filter((x) => x.status === "forbidden")) {
        expect(o.forbiddenReason).toBeTruthy();
        expect(o.fixes.length).toBeGreaterThan(0);
        for (const fix of o.fixes) expect(fix.path).toMatch(/^(spec|metadata)\./);
      }
    }
  });

  test("the v1.37 development line is reported on its own", () => {
    const dev = fixtures.filter((f) => f.minor === 37);
    const ok = dev.filter((f) => {
      const allowed = evaluatePodAt(f.pod, f.level, f.minor).every((o) => o.status === "allowed");
      return allowed === (f.expect === "pass");
    });
    console.log(`v1.37 (development line): ${ok.length}/${dev.length} fixtures as upstream expects`);
    expect(ok.length).toBe(dev.length);
  });
});

describe("registry", () => {
  test.each([
    ["baseline", 0, 11],
    ["baseline", 34, 12],
    ["restricted", 0, 12],
    ["restricted", 8, 13],
    ["restricted", 19, 13],
    ["restricted", 22, 13],
    ["restricted", 23, 14],
    ["restricted", 34, 15],
    ["restricted", 35, 15],
  ] as const)("%s v1.%i has %i checks", (level, minor, count) => {
    expect(checksFor(level, minor).map((c) => c.id)).toHaveLength(count);
  });

  test("restricted checks replace their baseline twins only where they exist", () => {
    const ids = (minor: number) => checksFor("restricted", minor).map((c) => c.id);
    expect(ids(18)).toEqual(expect.arrayContaining(["seccompProfile_baseline", "capabilities_baseline", "procMount"]));
    expect(ids(18)).not.toContain("seccompProfile_restricted");
    expect(ids(19)).not.toContain("seccompProfile_baseline");
    expect(ids(21)).toContain("capabilities_baseline");
    expect(ids(22)).not.toContain("capabilities_baseline");
    expect(ids(34)).toContain("procMount");
    expect(ids(35)).toEqual(expect.arrayContaining(["procMount_restricted"]));
    expect(ids(35)).not.toContain("procMount");
    expect(ids(0)).not.toContain("hostPathVolumes");
    expect(checksFor("privileged", 36)).toEqual([]);
  });

  test("versions above the newest known one clamp to it", () => {
    expect(checksFor("restricted", 99)).toBe(checksFor("restricted", 37));
  });
});
