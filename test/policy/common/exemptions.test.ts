import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import {
  ExemptionConfigError,
  exemptedMessage,
  expiredMessage,
  findExemption,
  globMatches,
  loadExemptions,
  parseExemptedMessage,
  parseExemptions,
} from "../../../policy/common/exemptions";
import type { Subject } from "../../../policy/common/finding";

const deployment = (name: string, namespace?: string): Subject => ({
  type: "kubernetes:apps/v1:Deployment",
  name: `${name}-res`,
  urn: `urn:pulumi:prod::platform::kubernetes:apps/v1:Deployment::${name}-res`,
  props: { metadata: { name, ...(namespace ? { namespace } : {}) } },
});

const VALID = `
exemptions:
  - policy: cis-eks-4.5.2-default-namespace-not-used
    resource: { kind: Deployment, namespace: default, name: legacy-* }
    reason: Legacy app moves in Q3.
    owner: team-shop
    expires: 2026-06-30
  - policy: "cis-eks-4.2.*"
    resource: { urn: "urn:pulumi:prod::*::kubernetes:apps/v1:Deployment::agent-res" }
    reason: Node agent needs host access.
    owner: team-platform
    expires: 2025-01-31
`;

describe("parseExemptions", () => {
  test("parses entries with both match styles and keeps the position", () => {
    const list = parseExemptions(VALID);
    expect(list).toHaveLength(2);
    expect(list[0]).toMatchObject({ policy: "cis-eks-4.5.2-default-namespace-not-used", owner: "team-shop", expires: "2026-06-30", entry: 1 });
    expect(list[1].resource).toEqual({ urn: "urn:pulumi:prod::*::kubernetes:apps/v1:Deployment::agent-res" });
  });

  test.each([
    ["empty file", ""],
    ["empty list", "exemptions: []"],
    ["null list", "exemptions:"],
  ])("%s means no exemptions", (_, text) => {
    expect(parseExemptions(text)).toEqual([]);
  });

  const entry = (fields: Record<string, unknown>) =>
    `exemptions:\n  - ${JSON.stringify({ policy: "p-1", resource: { kind: "Deployment" }, reason: "r", owner: "o", expires: "2030-01-01", ...fields })}`;

  test.each([
    ["missing reason", { reason: undefined }, "entry 1 (policy p-1): field `reason` is missing"],
    ["empty owner", { owner: "" }, "entry 1 (policy p-1): field `owner` is invalid"],
    ["missing expiry", { expires: undefined }, "entry 1 (policy p-1): field `expires` is missing"],
    ["impossible date", { expires: "2030-02-30" }, "field `expires` is \"2030-02-30\": give a real date as YYYY-MM-DD"],
    ["not a date", { expires: "next year" }, "field `expires` is \"next year\""],
    ["missing policy", { policy: undefined }, "entry 1: field `policy` is missing"],
    ["missing resource", { resource: undefined }, "field `resource` is missing"],
    ["empty resource", { resource: {} }, "field `resource` is empty"],
    ["match everything", { resource: { urn: "*" } }, "matches every resource"],
    ["mixed match", { resource: { urn: "urn:x", kind: "Pod" } }, "mixes urn with kind"],
    ["typo in field", { owners: "x" }, "unknown field `owners`"],
    ["typo in match", { resource: { nmae: "x" } }, "unknown field `resource.nmae`"],
  ])("%s is a config error naming entry and field", (_, fields, message) => {
    const text = entry(Object.fromEntries(Object.entries(fields)));
    expect(() => parseExemptions(text, "policy/exemptions.yaml")).toThrow(ExemptionConfigError);
    expect(() => parseExemptions(text, "policy/exemptions.yaml")).toThrow(message);
  });

  test("reports every problem at once", () => {
    const text = "exemptions:\n  - policy: a\n  - policy: b\n    reason: r\n";
    try {
      parseExemptions(text);
      throw new Error("expected a config error");
    } catch (err) {
      expect(err).toBeInstanceOf(ExemptionConfigError);
      const problems = (err as ExemptionConfigError).problems;
      expect(problems.filter((p) => p.startsWith("entry 1 (policy a)"))).toHaveLength(4);
      expect(problems.filter((p) => p.startsWith("entry 2 (policy b)"))).toHaveLength(3);
    }
  });

  test.each([["not yaml", "exemptions: [\n"], ["a list at top level", "- a\n"], ["exemptions not a list", "exemptions: 3"]])("%s is a config error", (_, text) => {
    expect(() => parseExemptions(text)).toThrow(ExemptionConfigError);
  });
});

describe("loadExemptions", () => {
  test("a missing file means no exemptions; a file is parsed and its path named in errors", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "exemptions-"));
    expect(loadExemptions(path.join(dir, "none.yaml"))).toEqual([]);
    const bad = path.join(dir, "bad.yaml");
    fs.writeFileSync(bad, "exemptions:\n  - policy: x\n");
    expect(() => loadExemptions(bad)).toThrow(bad);
  });

  test("the repository's exemptions file is valid", () => {
    expect(() => loadExemptions(path.join(__dirname, "../../../policy/exemptions.yaml"))).not.toThrow();
  });
});

describe("findExemption", () => {
  const list = parseExemptions(VALID);
  const today = new Date("2026-01-15T12:00:00Z");

  test("matches kind/namespace/name globs (absent namespace is default)", () => {
    expect(findExemption(list, "cis-eks-4.5.2-default-namespace-not-used", deployment("legacy-shop"), today)?.status).toBe("exempted");
    expect(findExemption(list, "cis-eks-4.5.2-default-namespace-not-used", deployment("legacy-shop", "default"), today)?.status).toBe("exempted");
    expect(findExemption(list, "cis-eks-4.5.2-default-namespace-not-used", deployment("legacy-shop", "shop"), today)).toBeUndefined();
    expect(findExemption(list, "cis-eks-4.5.2-default-namespace-not-used", deployment("web"), today)).toBeUndefined();
    expect(findExemption(list, "cis-eks-4.5.1-namespaces-as-boundaries", deployment("legacy-shop"), today)).toBeUndefined();
  });

  test("matches URN globs and policy globs; past the expiry it is expired", () => {
    const agent = deployment("agent");
    expect(findExemption(list, "cis-eks-4.2.1-no-privileged-containers", agent, new Date("2025-01-31T23:59:00Z"))?.status).toBe("exempted");
    expect(findExemption(list, "cis-eks-4.2.1-no-privileged-containers", agent, new Date("2025-02-01T00:00:00Z"))?.status).toBe("expired");
    expect(findExemption(list, "cis-eks-4.1.1-cluster-admin-only-where-required", agent, today)).toBeUndefined();
  });

  test("an active exemption wins over an expired one for the same finding", () => {
    const both = parseExemptions(`exemptions:
  - { policy: p, resource: { name: web }, reason: old, owner: a, expires: 2020-01-01 }
  - { policy: p, resource: { name: web }, reason: new, owner: b, expires: 2099-01-01 }`);
    expect(findExemption(both, "p", deployment("web"), today)).toMatchObject({ status: "exempted", exemption: { reason: "new" } });
  });

  test("messages carry reason, owner and expiry and round-trip", () => {
    const [e] = list;
    const msg = exemptedMessage("Deployment legacy-shop is in the default namespace.", e);
    expect(msg).toBe("[exempted: Legacy app moves in Q3., owner team-shop, expires 2026-06-30] Deployment legacy-shop is in the default namespace.");
    expect(parseExemptedMessage(msg)).toEqual({ reason: "Legacy app moves in Q3.", owner: "team-shop", expires: "2026-06-30", message: "Deployment legacy-shop is in the default namespace." });
    expect(expiredMessage("X is wrong.", e)).toContain("exemption expired 2026-06-30, owner team-shop");
  });

  test.each([
    ["urn:pulumi:*::web", "urn:pulumi:prod::p::t::web", true],
    ["a.b*", "a.bc", true],
    ["a.b*", "axbc", false],
    ["legacy-*", "legacy-", true],
    ["web", "web2", false],
  ])("glob %s vs %s", (pattern, value, expected) => {
    expect(globMatches(pattern, value)).toBe(expected);
  });
});
