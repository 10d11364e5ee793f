/**
 * Which runner starts a pack (src/testing/compiled-pack-runner.ts): this package's compiled packs start without the
 * SDK runner's TypeScript set-up and judge exactly as before; any other pack (here a JavaScript fixture pack) starts
 * under the SDK's own `run-policy-pack`, as `pulumi preview --policy-pack` starts it.
 */
import * as fs from "fs";
import * as path from "path";
import { startPolicyPack } from "../../src/testing/analyzer";
import type { PolicyPackClient } from "../../src/testing/analyzer";

const ROOT = path.resolve(__dirname, "..", "..");
const cmdline = (pid: number | undefined) => fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0");
const privileged = {
  type: "kubernetes:core/v1:Pod",
  name: "p",
  urn: "urn:pulumi:test::p::kubernetes:core/v1:Pod::p",
  props: { metadata: { name: "p", namespace: "default" }, spec: { containers: [{ name: "c", image: "nginx:1.27", securityContext: { privileged: true } }] } },
};

let packs: PolicyPackClient[] = [];
afterAll(async () => {
  await Promise.all(packs.map((p) => p.close()));
});

test("a compiled pack of this package starts under compiled-pack-runner.js and judges as the SDK runner does", async () => {
  const ours = await startPolicyPack(path.join(ROOT, "policy", "pod-security"));
  const engineLike = await startPolicyPack(path.join(ROOT, "policy", "pod-security"), { codeCache: false });
  packs = [ours, engineLike];
  const runner = (c: PolicyPackClient) => path.basename(cmdline(c.pid).find((a) => /run-policy-pack|compiled-pack-runner/.test(a)) ?? "");
  expect([runner(ours), runner(engineLike)]).toEqual(["compiled-pack-runner.js", "run-policy-pack"]);
  expect(await ours.info()).toEqual(await engineLike.info());
  const findings = await ours.analyze(privileged);
  expect(findings.map((f) => f.policyName)).toContain("privileged");
  expect(findings).toEqual(await engineLike.analyze(privileged));
});

test("any other pack starts under the SDK's own run-policy-pack", async () => {
  const echo = await startPolicyPack(path.join(ROOT, "test", "fixtures", "echo-pack"));
  packs.push(echo);
  expect(cmdline(echo.pid).some((a) => a.endsWith(path.join("cmd", "run-policy-pack")))).toBe(true);
});
