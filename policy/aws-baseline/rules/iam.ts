/**
 * CIS AWS 1.16: no IAM policy grants "*:*" administrative privileges, wherever the policy document lives: a managed
 * or inline policy resource, a Role's `inlinePolicies`, or an attachment of the AWS-managed AdministratorAccess policy
 * (`RolePolicyAttachment`, `PolicyAttachment`, Role `managedPolicyArns`, user and group attachments).
 */
import { Finding, ResourceRule, Subject } from "../../common/finding";
import { arrayOf, cannotTellYet, isUnknown, objectOf } from "../../common/unknown";
import { cisAws } from "./meta";
import { listOf, statementsOf } from "./policy-document";

export const IAM_POLICY_TYPES = ["aws:iam/policy:Policy", "aws:iam/rolePolicy:RolePolicy", "aws:iam/userPolicy:UserPolicy", "aws:iam/groupPolicy:GroupPolicy"];
export const IAM_ROLE = "aws:iam/role:Role";
/** Attachments of a managed policy to a principal; each carries the policy's ARN in `policyArn`. */
export const IAM_ATTACHMENT_TYPES = [
  "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
  "aws:iam/policyAttachment:PolicyAttachment",
  "aws:iam/userPolicyAttachment:UserPolicyAttachment",
  "aws:iam/groupPolicyAttachment:GroupPolicyAttachment",
  "aws:iam/rolePolicyAttachmentsExclusive:RolePolicyAttachmentsExclusive",
];

/** The AWS-managed policy that is exactly "*" on "*" (any partition). */
const ADMIN_ARN = /^arn:aws[\w-]*:iam::aws:policy\/AdministratorAccess$/;
const POLICY = "cis-aws-1.16-iam-no-full-admin";

/** True for a statement allowing every action on every resource ("*" or "*:*"). */
function isFullAdmin(s: { Effect?: unknown; Action?: unknown; Resource?: unknown }): boolean {
  return s.Effect === "Allow" && listOf(s.Action).some((a) => a === "*" || a === "*:*") && listOf(s.Resource).includes("*");
}

/** Findings for one policy document found at `where` on `r`. */
function judgeDocument(r: Subject, where: string, document: unknown): Finding[] {
  const statements = statementsOf(document);
  if (statements === "unknown") return [cannotTellYet(`${r.type.split(":").pop()} ${r.name}`, where, POLICY)];
  return statements.some(isFullAdmin) ? [{ message: `IAM ${where} of ${r.name} allows "*" on "*"; list the specific actions and resources instead.` }] : [];
}

function judgeArns(r: Subject, field: string, arns: unknown): Finding[] {
  if (isUnknown(arns)) return [cannotTellYet(`${r.type.split(":").pop()} ${r.name}`, field, POLICY)];
  const values = Array.isArray(arns) ? arns : [arns];
  return values.some((a) => typeof a === "string" && ADMIN_ARN.test(a))
    ? [{ message: `${r.type.split(":").pop()} ${r.name} attaches AdministratorAccess ("*" on "*") through ${field}; attach a policy with the specific actions and resources instead.` }]
    : [];
}

export const iamNoFullAdmin: ResourceRule = {
  meta: cisAws(
    "1.16",
    "iam-no-full-admin",
    "Ensure IAM policies that allow full \"*:*\" administrative privileges are not attached",
    "critical",
    "Replace Action \"*\" on Resource \"*\" (or the AdministratorAccess managed policy) with the specific actions and resources the principal needs.",
    ["awsguard iam-no-policies-with-full-admin-access", "FSBP IAM.1"],
  ),
  types: [...IAM_POLICY_TYPES, IAM_ROLE, ...IAM_ATTACHMENT_TYPES],
  check(r) {
    if (IAM_POLICY_TYPES.includes(r.type)) return judgeDocument(r, "policy", r.props.policy);
    if (IAM_ATTACHMENT_TYPES.includes(r.type)) return judgeArns(r, r.props.policyArns !== undefined ? "policyArns" : "policyArn", r.props.policyArns ?? r.props.policyArn);
    const inline = r.props.inlinePolicies;
    const fromInline = isUnknown(inline)
      ? [cannotTellYet(`Role ${r.name}`, "inlinePolicies", POLICY)]
      : arrayOf(inline).flatMap((p, i) => judgeDocument(r, `inline policy ${String(objectOf(p)?.name ?? i)}`, objectOf(p)?.policy));
    return [...fromInline, ...(r.props.managedPolicyArns === undefined ? [] : judgeArns(r, "managedPolicyArns", r.props.managedPolicyArns))];
  },
};
