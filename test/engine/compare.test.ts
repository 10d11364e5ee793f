/**
 * The pure half of `npm run parity`: the event-log reader and the comparisons that decide whether the real engine
 * and the offline plan agree. The event lines are in the engine's own format (apitype.EngineEvent).
 */
import {
  advisoryConfig,
  changeCount,
  diffMultiset,
  findingKey,
  isDefaultProvider,
  normalizeEnforcement,
  packDiagnostics,
  parseEventLog,
  planFindings,
} from "../../tools/engine/parity/compare";

const URN = "urn:pulumi:prod::production-platform::aws:s3/bucket:Bucket::data";

const log = [
  { sequence: 0, timestamp: 1, preludeEvent: { config: {} } },
  { sequence: 1, timestamp: 1, resourcePreEvent: { metadata: { op: "create", urn: URN, type: "aws:s3/bucket:Bucket" } } },
  { sequence: 2, timestamp: 1, resourcePreEvent: { metadata: { op: "create", urn: "urn:pulumi:prod::production-platform::pulumi:providers:random::default_4_21_2", type: "pulumi:providers:random" } } },
  { sequence: 3, timestamp: 1, resourcePreEvent: { metadata: { op: "delete", urn: "urn:pulumi:prod::p::aws:s3/bucket:Bucket::old", type: "aws:s3/bucket:Bucket" } } },
  {
    sequence: 4,
    timestamp: 1,
    policyEvent: { resourceUrn: URN, message: "\u001b[1mBlock public access.\u001b[0m", color: "never", policyName: "cis-aws-2.1.4", policyPackName: "aws-baseline", policyPackVersion: "0.1.0", policyPackVersionTag: "0.1.0", enforcementLevel: "warning" },
  },
  { sequence: 5, timestamp: 1, diagnosticEvent: { message: "using pulumi-resource-aws from $PATH at /x", color: "never", severity: "warning" } },
  { sequence: 6, timestamp: 1, diagnosticEvent: { message: "error: Program exited with non-zero exit code: 1", color: "never", severity: "error" } },
  { sequence: 7, timestamp: 1, summaryEvent: { maybeCorrupt: false, durationSeconds: 3, resourceChanges: { create: 2, same: 5 }, PolicyPacks: {} } },
]
  .map((e) => JSON.stringify(e))
  .join("\n");

test("the event log gives findings (advisory named as plan names it), URNs, changes and diagnostics", () => {
  const run = parseEventLog(log);
  expect(run.findings).toEqual([{ pack: "aws-baseline", policy: "cis-aws-2.1.4", urn: URN, enforcement: "advisory", message: "Block public access." }]);
  expect(run.urns).toEqual([`aws:s3/bucket:Bucket ${URN}`, "pulumi:providers:random urn:pulumi:prod::production-platform::pulumi:providers:random::default_4_21_2"]);
  expect(run.changes).toEqual({ create: 2, same: 5 });
  expect(run.sawSummary).toBe(true);
  expect(run.warnings).toEqual(["using pulumi-resource-aws from $PATH at /x"]);
  expect(run.errors).toEqual(["error: Program exited with non-zero exit code: 1"]);
});

test("a truncated log is an error, not an empty result; a log with no summary says so", () => {
  expect(() => parseEventLog('{"sequence":0}\n{"seq')).toThrow(/line 2 is not JSON/);
  expect(parseEventLog("").sawSummary).toBe(false);
});

test("only `same` (and reads) count as no change", () => {
  expect(changeCount({ same: 700 })).toBe(0);
  expect(changeCount({ same: 3, update: 1, replace: 2, read: 4 })).toBe(3);
});

test("default providers are recognised by name; explicit providers are not", () => {
  expect(isDefaultProvider("pulumi:providers:random urn:pulumi:dev::p::pulumi:providers:random::default_4_21_2")).toBe(true);
  expect(isDefaultProvider("pulumi:providers:aws urn:pulumi:dev::p::pulumi:providers:aws::default")).toBe(true);
  expect(isDefaultProvider("pulumi:providers:aws urn:pulumi:dev::p::pulumi:providers:aws::aws-use1")).toBe(false);
  expect(isDefaultProvider("aws:s3/bucket:Bucket urn:pulumi:dev::p::aws:s3/bucket:Bucket::default")).toBe(false);
});

test("findings compare as multisets on pack, policy, enforcement and URN", () => {
  const a = findingKey({ pack: "p", policy: "x", urn: "u1", enforcement: "advisory" });
  const b = findingKey({ pack: "p", policy: "x", urn: "u1", enforcement: "mandatory" });
  const c = findingKey({ pack: "p", policy: "y", urn: "u2", enforcement: "advisory" });
  expect(diffMultiset([a, a, c], [a, c])).toEqual({ agree: 2, onlyLeft: [a], onlyRight: [] });
  expect(diffMultiset([a], [b])).toEqual({ agree: 0, onlyLeft: [a], onlyRight: [b] });
  expect(diffMultiset([], [])).toEqual({ agree: 0, onlyLeft: [], onlyRight: [] });
});

test("plan's report findings keep exempted ones (the engine reports those as advisory too)", () => {
  const report = { findings: [{ pack: "p", policy: "x", urn: "u", enforcement: "advisory", status: "exempted", message: " [exempted ...] m " }] };
  expect(planFindings(report)).toEqual([{ pack: "p", policy: "x", urn: "u", enforcement: "advisory", message: "[exempted ...] m" }]);
  expect(normalizeEnforcement("mandatory")).toBe("mandatory");
});

test("the plan's own not-judged findings (pack plan) are not compared: the engine runs no such analyzer", () => {
  const report = { findings: [{ pack: "plan", policy: "unjudged-helm-release", urn: "r", enforcement: "advisory", status: "violation", message: "not judged" }, { pack: "p", policy: "x", urn: "u", enforcement: "mandatory", status: "violation", message: "m" }] };
  expect(planFindings(report).map((f) => f.pack)).toEqual(["p"]);
});

test("advisory configs demote every level but disabled and keep per-policy settings", () => {
  expect(advisoryConfig({ all: "mandatory", a: "disabled", b: { enforcementLevel: "mandatory", level: "restricted" }, c: { level: "baseline" } })).toEqual({
    all: "advisory",
    a: "disabled",
    b: { enforcementLevel: "advisory", level: "restricted" },
    c: { level: "baseline" },
  });
  expect(advisoryConfig({})).toEqual({ all: "advisory" });
});

test("diagnostics about a pack are found by its name, directory or the engine's words; others are not", () => {
  const packs = [{ name: "pod-security", dir: "/repo/policy/pod-security" }];
  const messages = [
    "using pulumi-resource-aws from $PATH at /repo/tools/engine/bin/pulumi-resource-aws",
    "Could not find entry point './dist/index.js' specified in package.json; using '/repo/test/fixtures/insecure-program' instead",
    "preview failed",
    'policy pack "/repo/policy/other" failed to start: could not read plugin: EOF',
    "pod-security: unknown config key 'defaultLevle'",
    "Cannot find module '/repo/policy/pod-security/package.json'",
    "analyzer exited with code 1",
    "pod-security-admission labels are set on every namespace",
  ];
  expect(packDiagnostics(messages, packs, ["preview failed"])).toEqual([messages[3], messages[4], messages[5], messages[6]]);
  expect(packDiagnostics(['policy pack "x" failed'], packs, ['policy pack "x" failed'])).toEqual([]);
});
