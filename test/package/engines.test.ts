/**
 * The package says Node >= 20 (package.json engines); what it installs must agree. Runtime dependencies (and theirs)
 * must all accept Node 20. Dev dependencies that declare more are listed here with the reason they are kept, and the
 * README says so: a new one fails this test until it is looked at.
 */
import * as fs from "fs";
import * as path from "path";
import * as semver from "semver";

const REPO = path.resolve(__dirname, "..", "..");
const pkg = JSON.parse(fs.readFileSync(path.join(REPO, "package.json"), "utf8"));
const lock = JSON.parse(fs.readFileSync(path.join(REPO, "package-lock.json"), "utf8"));

/** Dev-only packages that declare a newer Node, and why they stay. */
const DEV_EXCEPTIONS: Record<string, string> = {
  "node_modules/@kubernetes-models/external-secrets":
    "the only release with the external-secrets v1 CRD models (2.0.0) declares node >=22; used only by the manifest schema tests, which pass on Node 20",
  "node_modules/@kubernetes-models/argo-rollouts":
    "2.0.0 (the Rollout and AnalysisTemplate models of current Argo Rollouts; 0.3.x predates them by years) declares node >=22; used only by the manifest schema tests, which pass on Node 20",
  "node_modules/@kubernetes-models/istio":
    "3.0.1 (the security.istio.io/v1 AuthorizationPolicy and PeerAuthentication models; 2.3.0 has only v1beta1) declares node >=22; used only by the manifest schema tests, which pass on Node 20",
  "node_modules/@kubernetes-models/gateway-api":
    "2.0.0 (the gateway.networking.k8s.io/v1 Gateway model the waypoints use; 0.5.x predates Gateway API v1.2) declares node >=22; used only by the manifest schema tests, which pass on Node 20",
};

test("package.json engines says Node 20 and the CI workflows run Node 20", () => {
  expect(pkg.engines.node).toBe(">=20");
  for (const file of fs.readdirSync(path.join(REPO, ".github", "workflows"))) {
    const text = fs.readFileSync(path.join(REPO, ".github", "workflows", file), "utf8");
    for (const m of text.matchAll(/node-version:\s*(\S+)/g)) expect([file, m[1]]).toEqual([file, "20"]);
  }
});

test("every installed package accepts Node 20, or is a documented dev-only exception", () => {
  const refusing = Object.entries<any>(lock.packages)
    .filter(([key, p]) => key !== "" && typeof p.engines?.node === "string" && semver.validRange(p.engines.node))
    .filter(([, p]) => !semver.satisfies("20.19.0", p.engines.node))
    .map(([key, p]) => ({ key, node: p.engines.node, dev: p.dev === true }));
  expect(refusing.filter((r) => !r.dev)).toEqual([]);
  // An exception covers the packages nested under it (its own copies of its dependencies).
  const excused = (key: string) => Object.keys(DEV_EXCEPTIONS).some((e) => key === e || key.startsWith(`${e}/node_modules/`));
  expect(refusing.filter((r) => !excused(r.key))).toEqual([]);
  expect(Object.keys(DEV_EXCEPTIONS).filter((e) => !refusing.some((r) => r.key === e))).toEqual([]);
});
