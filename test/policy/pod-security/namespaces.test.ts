import { resolveNamespacePolicy } from "../../../policy/pod-security/namespaces";
import { UNKNOWN } from "../../../src/testing/wire";

const defaults = { level: "restricted", version: "latest" } as const;
const L = (labels: Record<string, string>) =>
  Object.fromEntries(Object.entries(labels).map(([k, v]) => [`pod-security.kubernetes.io/${k}`, v]));
const brief = (labels: unknown) => {
  const p = resolveNamespacePolicy("team", labels, defaults);
  return { enforce: `${p.enforce.level}:${p.enforce.version}`, warn: `${p.warn.level}:${p.warn.version}`, audit: `${p.audit.level}:${p.audit.version}`, problems: p.problems.length };
};

test.each<[string, unknown, { enforce: string; warn: string; audit: string; problems: number }]>([
  ["no labels: the pack defaults", {}, { enforce: "restricted:latest", warn: "privileged:latest", audit: "privileged:latest", problems: 0 }],
  ["enforce only: warn follows enforce, so no extra findings", L({ enforce: "baseline", "enforce-version": "v1.30" }), { enforce: "baseline:v1.30", warn: "baseline:v1.30", audit: "privileged:latest", problems: 0 }],
  ["enforce privileged", L({ enforce: "privileged" }), { enforce: "privileged:latest", warn: "privileged:latest", audit: "privileged:latest", problems: 0 }],
  ["warn and audit set", L({ enforce: "baseline", warn: "restricted", audit: "restricted", "audit-version": "v1.25" }), { enforce: "baseline:latest", warn: "restricted:latest", audit: "restricted:v1.25", problems: 0 }],
  ["warn version only inherits enforce level", L({ enforce: "baseline", "warn-version": "v1.20" }), { enforce: "baseline:latest", warn: "baseline:v1.20", audit: "privileged:latest", problems: 0 }],
  ["malformed enforce level fails closed to restricted", L({ enforce: "Baseline" }), { enforce: "restricted:latest", warn: "privileged:latest", audit: "privileged:latest", problems: 1 }],
  ["malformed warn level falls back to privileged", L({ warn: "strict" }), { enforce: "restricted:latest", warn: "privileged:latest", audit: "privileged:latest", problems: 1 }],
  ["malformed version falls back to latest", L({ enforce: "baseline", "enforce-version": "1.25" }), { enforce: "baseline:latest", warn: "baseline:latest", audit: "privileged:latest", problems: 1 }],
  ["unknown labels (preview): the defaults, reported", UNKNOWN, { enforce: "restricted:latest", warn: "privileged:latest", audit: "privileged:latest", problems: 1 }],
  ["one unknown label: treated as unset, reported", L({ enforce: UNKNOWN }), { enforce: "restricted:latest", warn: "privileged:latest", audit: "privileged:latest", problems: 1 }],
])("%s", (_name, labels, expected) => {
  expect(brief(labels)).toEqual(expected);
});

test("versions above the newest known one clamp to it, latest resolves to it", () => {
  const p = resolveNamespacePolicy("team", L({ enforce: "restricted", "enforce-version": "v1.99" }), defaults);
  expect(p.enforce.minor).toBe(37);
  expect(resolveNamespacePolicy("team", {}, defaults).enforce.minor).toBe(37);
});
