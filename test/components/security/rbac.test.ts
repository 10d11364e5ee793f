import fc from "fast-check";
import { ruleFindings, tenantRoleRules } from "../../../components/security/rbac";

const flat = (rules: ReturnType<typeof tenantRoleRules>) => rules.flatMap((r) => [...r.apiGroups, ...r.resources, ...r.verbs]);
const resources = (rules: ReturnType<typeof tenantRoleRules>) => rules.flatMap((r) => r.resources);

describe("tenantRoleRules", () => {
  test("no wildcard anywhere, for every combination of options", () => {
    fc.assert(
      fc.property(fc.boolean(), fc.boolean(), fc.boolean(), (allowSecretsRead, allowPodExec, allowExternalSecrets) => {
        const rules = tenantRoleRules({ allowSecretsRead, allowPodExec, allowExternalSecrets });
        expect(flat(rules).some((v) => v.includes("*"))).toBe(false);
        expect(ruleFindings(rules, { allowSecretsRead, allowPodExec })).toEqual([]);
      }),
    );
  });

  test("by default: no secrets, no exec/attach/port-forward, no RBAC objects, no token requests", () => {
    const granted = resources(tenantRoleRules());
    for (const r of ["secrets", "pods/exec", "pods/attach", "pods/portforward", "roles", "rolebindings", "serviceaccounts/token"]) {
      expect(granted).not.toContain(r);
    }
  });

  test("secrets are read-only when asked for", () => {
    const secrets = tenantRoleRules({ allowSecretsRead: true }).filter((r) => r.resources.includes("secrets"));
    expect(secrets).toEqual([{ apiGroups: [""], resources: ["secrets"], verbs: ["get", "list", "watch"] }]);
  });

  test("exec is granted only when asked for", () => {
    expect(resources(tenantRoleRules({ allowPodExec: true }))).toEqual(expect.arrayContaining(["pods/exec", "pods/attach"]));
  });

  test("network policies are read-only for the team (the platform owns isolation)", () => {
    const np = tenantRoleRules().filter((r) => r.resources.includes("networkpolicies"));
    expect(np.flatMap((r) => r.verbs)).toEqual(["get", "list", "watch"]);
  });

  test("ruleFindings catches wildcards, escalation and unrequested grants", () => {
    expect(
      ruleFindings([
        { apiGroups: ["*"], resources: ["pods"], verbs: ["get"] },
        { apiGroups: [""], resources: ["secrets", "pods/exec"], verbs: ["*"] },
        { apiGroups: ["rbac.authorization.k8s.io"], resources: ["rolebindings"], verbs: ["bind"] },
      ]),
    ).toEqual([
      "rule 0: wildcard in apiGroups",
      "rule 1: wildcard in verbs",
      "rule 1: grants secrets",
      "rule 1: grants pods/exec",
      "rule 2: grants rolebindings",
      "rule 2: verb bind",
    ]);
  });
});
