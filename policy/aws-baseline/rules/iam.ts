/** CIS AWS 1.16: no IAM policy grants "*:*" administrative privileges. */
import { ResourceRule } from "../../common/finding";
import { cisAws } from "./meta";
import { listOf, statementsOf } from "./policy-document";

export const IAM_POLICY_TYPES = ["aws:iam/policy:Policy", "aws:iam/rolePolicy:RolePolicy", "aws:iam/userPolicy:UserPolicy", "aws:iam/groupPolicy:GroupPolicy"];

export const iamNoFullAdmin: ResourceRule = {
  meta: cisAws(
    "1.16",
    "iam-no-full-admin",
    "Ensure IAM policies that allow full \"*:*\" administrative privileges are not attached",
    "critical",
    "Replace Action \"*\" on Resource \"*\" with the specific actions and resources the principal needs.",
  ),
  types: IAM_POLICY_TYPES,
  check(r) {
    const statements = statementsOf(r.props.policy);
    if (statements === "unknown") return [];
    const bad = statements.filter((s) => s.Effect === "Allow" && listOf(s.Action).includes("*") && listOf(s.Resource).includes("*"));
    return bad.length === 0 ? [] : [{ message: `IAM policy ${r.name} allows "*" on "*"; list the specific actions and resources instead.` }];
  },
};
