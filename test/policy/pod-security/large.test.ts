/**
 * Every check is linear in the size of its object: a 20,000-volume (and 20,000-container) pod is judged correctly,
 * with and without unknowns. Correctness only here; how long it takes is measured by `npm run bench`.
 */
import { evaluatePod } from "../../../policy/pod-security/evaluate";
import { UNKNOWN } from "../../../src/testing/wire";
import { podWith } from "./podBuilders";

const N = 20_000;

function bigPod(mutate: (spec: Record<string, any>) => void) {
  return podWith((p) => {
    p.spec.volumes = Array.from({ length: N }, (_, i) => ({ name: `v${i}`, configMap: { name: `c${i}` } }));
    p.spec.containers = Array.from({ length: N }, (_, i) => ({ ...p.spec.containers[0], name: `c${i}` }));
    mutate(p.spec);
  });
}

const status = (outcomes: ReturnType<typeof evaluatePod>, id: string) => outcomes.find((o) => o.checkId === id);

test("20,000 volumes and containers, one hostPath volume at the end: restricted forbids exactly that volume", () => {
  const outcomes = evaluatePod(bigPod((spec) => (spec.volumes[N - 1] = { name: "host", hostPath: { path: "/" } })), { level: "restricted", version: "latest" });
  expect(status(outcomes, "restrictedVolumes")).toMatchObject({ status: "forbidden", forbiddenDetail: expect.stringContaining('"host"') });
  expect(status(outcomes, "restrictedVolumes")?.fixes.map((f) => f.path)).toEqual([`spec.volumes[${N - 1}].hostPath`]);
  expect(outcomes.filter((o) => o.status !== "allowed").map((o) => o.checkId)).toEqual(["restrictedVolumes"]);
});

test("20,000 volumes with unknowns: a known hostPath volume is still decided, unknown ones are named", () => {
  const outcomes = evaluatePod(
    bigPod((spec) => {
      for (let i = 0; i < N; i += 2) spec.volumes[i] = { name: `v${i}`, configMap: UNKNOWN };
      spec.volumes[1] = { name: "host", hostPath: { path: "/" } };
    }),
    { level: "restricted", version: "latest" },
  );
  const volumes = status(outcomes, "restrictedVolumes");
  expect(volumes).toMatchObject({ status: "forbidden", fixes: [{ path: "spec.volumes[1].hostPath" }] });
  expect(volumes?.unknownPaths.length).toBe(N / 2);
  expect(outcomes.filter((o) => o.status === "forbidden").map((o) => o.checkId)).toEqual(["restrictedVolumes"]);
});

test("20,000 compliant containers and one unknown one: restricted cannot tell for the checks that read it", () => {
  const outcomes = evaluatePod(bigPod((spec) => (spec.containers[N - 1].securityContext = UNKNOWN)), { level: "restricted", version: "latest" });
  expect(status(outcomes, "allowPrivilegeEscalation")).toMatchObject({ status: "unknown", unknownPaths: [`spec.containers[${N - 1}].securityContext`] });
  expect(outcomes.some((o) => o.status === "forbidden")).toBe(false);
});
