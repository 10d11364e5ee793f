/**
 * Issue 18 "big objects": every rule of aws-baseline, kubernetes-cis and workload-resilience is linear in the size of
 * the object it judges. Correctness on a 5,000-container Deployment, a 10,000-rule ClusterRole and a 20,000-volume
 * pod (through the CIS pod-security delegations); the timing is printed by `npm run bench`, never asserted here.
 */
import { RULES as CIS } from "../../policy/kubernetes-cis/rules";
import { RULES as WR } from "../../policy/workload-resilience/rules";
import { contextFor, runRule, Subject } from "../../policy/common/finding";
import { bigClusterRole, bigDeployment, bigPod, bigPodRepository } from "./common/big-objects";

const run = (rules: typeof CIS, subjects: Subject[]) => rules.flatMap((rule) => runRule(rule, subjects, contextFor("prod")).map((f) => ({ policy: rule.meta.id, message: f.message })));

test("5,000-container Deployment: compliant → only the stack-level PDB finding; one broken container → exactly its findings", () => {
  const deployment = bigDeployment(5000);
  expect(run(WR, [deployment]).map((f) => f.policy)).toEqual(["wr-pdb-present"]);
  const containers = (deployment.props.spec as any).template.spec.containers;
  delete containers[4321].readinessProbe;
  containers[4999].env.push({ name: "MODE", value: "again" });
  const findings = run(WR, [deployment]).filter((f) => f.policy !== "wr-pdb-present");
  expect(findings.map((f) => [f.policy, /container (c\d+)/.exec(f.message)?.[1]])).toEqual([
    ["wr-probes", "c4321"],
    ["wr-env-names-unique", "c4999"],
  ]);
});

test("10,000-rule ClusterRole: compliant → no finding; one escalating rule among them → exactly one finding naming it", () => {
  const role = bigClusterRole(10000);
  expect(run(CIS, [role])).toEqual([]);
  (role.props.rules as any[])[9876] = { apiGroups: ["rbac.authorization.k8s.io"], resources: ["clusterroles"], verbs: ["escalate"] };
  expect(run(CIS, [role])).toEqual([{ policy: "cis-eks-4.1.8-no-bind-impersonate-escalate", message: expect.stringContaining("rule 9876 grants escalate") }]);
});

test("20,000-volume pod: every CIS and resilience rule judges it; a privileged container added at the end is found", () => {
  const pod = bigPod(20000);
  const policy: Subject = { type: "kubernetes:networking.k8s.io/v1:NetworkPolicy", name: "deny", urn: "urn:pulumi:test::big::np", props: { metadata: { name: "deny", namespace: "shop" }, spec: { podSelector: {} } } };
  const repository = bigPodRepository();
  expect(run(CIS, [pod, policy, repository])).toEqual([]);
  // Its one container sets no resources: exactly the two resource checks fire.
  expect(run(WR, [pod]).map((f) => f.policy).sort()).toEqual(["wr-ephemeral-storage-requests", "wr-resources-requests-limits"]);
  const spec = pod.props.spec as any;
  spec.containers.push({ ...spec.containers[0], name: "last", securityContext: { ...spec.containers[0].securityContext, privileged: true } });
  expect(run(CIS, [pod, policy, repository]).map((f) => f.policy)).toEqual(["cis-eks-4.2.1-no-privileged-containers"]);
});
