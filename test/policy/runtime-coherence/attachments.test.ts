/**
 * RC-12 rc-attachments-stable: attachments named by their position in a list are reported (removing the first would
 * rename and replace the rest, detaching a policy), so are two attachments of one policy to one principal; names after
 * the policy pass; `role: role` joins through property dependencies; an untraceable reference is "cannot tell yet".
 * The last test runs a real program, written the way users write it, through the pack over the analyzer protocol.
 */
import * as aws from "@pulumi/aws";
import type { Subject } from "../../../policy/common/finding";
import { attachmentsStable, positionalName } from "../../../policy/runtime-coherence/rules/attachments";
import { analyzeRecording, runOffline } from "../../../src/testing";
import { UNKNOWN } from "../../../src/testing/wire";
import { packDir, res, urn } from "../common/packs";

const RPA = "aws:iam/rolePolicyAttachment:RolePolicyAttachment";
const ROLE = "aws:iam/role:Role";
const READONLY = "arn:aws:iam::aws:policy/ReadOnlyAccess";
const SSM = "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore";
const ECR = "arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryReadOnly";

const attach = (name: string, role: unknown, policyArn: unknown, roleUrn?: string) =>
  res(RPA, name, { role, policyArn }, roleUrn ? { dependencies: [roleUrn], propertyDependencies: { role: [roleUrn] } } : {});
const check = (rs: unknown[]) => attachmentsStable.check(rs as Subject[], { environment: "prod", config: {} });

test("positional names: -n, _n and [n] are positions; names after a policy are not", () => {
  expect(positionalName("app-policy-0")).toEqual({ stem: "app-policy", index: 0 });
  expect(positionalName("app_policy_12")).toEqual({ stem: "app_policy", index: 12 });
  expect(positionalName("app-policy[1]")).toEqual({ stem: "app-policy", index: 1 });
  expect(positionalName("app-policy-readonly")).toBeUndefined();
  expect(positionalName("s3v2")).toBeUndefined();
});

test("attachments named by index over a list: every one is reported, naming the fix and the alias", () => {
  const findings = check([attach("app-policy-0", "app", READONLY), attach("app-policy-1", "app", SSM), attach("app-policy-2", "app", ECR)]);
  expect(findings.map((f) => f.subject?.name)).toEqual(["app-policy-0", "app-policy-1", "app-policy-2"]);
  expect(findings[1].message).toContain("app-policy-0, app-policy-1, app-policy-2 share the stem app-policy");
  expect(findings[1].message).toContain('aliases: [{ name: "app-policy-1" }]');
  expect(findings.every((f) => !f.undecided && !f.advisory)).toBe(true);
});

test("one attachment per policy, named after it, passes", () => {
  expect(check([attach("app-policy-readonly", "app", READONLY), attach("app-policy-ssm", "app", SSM)])).toEqual([]);
  // A single "-1" is no list: nothing shows that a sibling will be renamed.
  expect(check([attach("app-policy-1", "app", READONLY)])).toEqual([]);
});

test("the same policy twice on one role is reported, also when one refers to the role object and one to its name", () => {
  const role = res(ROLE, "app", { name: "app-role" });
  const findings = check([role, attach("app-readonly", UNKNOWN, READONLY, role.urn as string), attach("app-audit", "app-role", READONLY)]);
  expect(findings).toHaveLength(1);
  expect(findings[0].subject?.name).toBe("app-audit");
  expect(findings[0].message).toContain("same policy to the same role as app-readonly");
  // The same policy on two different roles is fine.
  expect(check([role, attach("app-readonly", "app-role", READONLY), attach("web-readonly", "web-role", READONLY)])).toEqual([]);
});

test("`role: role` at a first preview joins through the property dependency; an untraceable role is cannot tell yet", () => {
  const roleUrn = urn(ROLE, "app");
  const role = res(ROLE, "app", { name: UNKNOWN });
  expect(check([role, attach("a", UNKNOWN, READONLY, roleUrn), attach("b", UNKNOWN, READONLY, roleUrn)]).map((f) => f.subject?.name)).toEqual(["b"]);
  const [undecided] = check([attach("a", UNKNOWN, READONLY)]);
  expect(undecided.undecided).toBe(true);
  expect(undecided.message).toContain("role is unknown");
});

test("odd input never throws: missing props, non-string values", () => {
  expect(() => check([res(RPA, "x-0", {}), res(RPA, "x-1", { role: 3, policyArn: null })])).not.toThrow();
  expect(check([res(RPA, "x-0", {}), res(RPA, "x-1", { role: 3, policyArn: null })]).filter((f) => !f.undecided)).toHaveLength(2);
});

test("a real program with a forEach over managed policies (role: role) is reported over the analyzer protocol", async () => {
  const { recorder } = await runOffline(() => {
    const role = new aws.iam.Role("worker", { assumeRolePolicy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }] }) });
    [READONLY, SSM].forEach((policyArn, i) => new aws.iam.RolePolicyAttachment(`worker-policy-${i}`, { role, policyArn }));
    new aws.iam.RolePolicyAttachment("worker-ecr", { role, policyArn: ECR });
  }, { preview: true, project: "shop", stack: "dev" });
  const findings = await analyzeRecording(recorder, { packs: [packDir("runtime-coherence")], stack: "dev", project: "shop" });
  const rc12 = findings.filter((f) => f.policyName === "rc-attachments-stable");
  expect(rc12.map((f) => f.urn?.split("::").pop()).sort()).toEqual(["worker-policy-0", "worker-policy-1"]);
});
