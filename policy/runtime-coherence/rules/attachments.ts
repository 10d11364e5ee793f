/**
 * RC-12: IAM policy attachments that stay attached across the next change. Two ways a program deploys today and
 * silently loses a permission later:
 *
 * - **Named by position** (`${name}-policy-${i}` over a list): removing or reordering one policy gives the others new
 *   policy ARNs under their old names. `policyArn` cannot change in place, so the engine replaces each one, and a
 *   replacement creates before it deletes (the engine's default, `deleteBeforeReplace: false`): attachment 0 attaches
 *   policy B (already attached: AWS succeeds without change), then attachment 1's old self is deleted and detaches B.
 *   The state says B is attached; the role no longer has it.
 * - **The same policy attached twice to one principal**: AWS keeps one attachment, so destroying or replacing either
 *   resource detaches it for both.
 *
 * Joined per account (IAM names are account-wide), through property dependencies when the role or policy is an output
 * (`role: role`, `policyArn: policy.arn`); a reference that is neither known nor traceable is "cannot tell yet".
 */
import type { Finding, StackRule, Subject } from "../../common/finding";
import { cannotTellYet, isUnknown } from "../../common/unknown";
import { awsScopeOf, groupBy } from "./joins";
import { coherence } from "./meta";

/** Attachment types and the property naming their principal. */
const ATTACHMENTS: Readonly<Record<string, string>> = {
  "aws:iam/rolePolicyAttachment:RolePolicyAttachment": "role",
  "aws:iam/userPolicyAttachment:UserPolicyAttachment": "user",
  "aws:iam/groupPolicyAttachment:GroupPolicyAttachment": "group",
};

const POLICY = "rc-attachments-stable";

/** `stem-3`, `stem_3`, `stem[3]` → stem and index; other names are not positional. */
export function positionalName(name: string): { stem: string; index: number } | undefined {
  const m = /^(.+?)(?:[-_](\d+)|\[(\d+)\])$/.exec(name);
  return m ? { stem: m[1], index: Number(m[2] ?? m[3]) } : undefined;
}

/**
 * What a reference property points at: its literal value, or the resource its property dependency names (by that
 * resource's known `name`/`arn` when it has one, so `role: role` and `role: "app-role"` join), else undefined.
 */
function referenceKey(subject: Subject, field: string, byUrn: ReadonlyMap<string, Subject>, own: "name" | "arn"): string | undefined {
  const value = subject.props[field];
  if (typeof value === "string" && value !== "" && !isUnknown(value)) return `value:${value}`;
  const deps = subject.propertyDependencies?.[field] ?? [];
  if (deps.length !== 1) return undefined;
  const target = byUrn.get(deps[0]);
  const targetValue = target?.props[own];
  return typeof targetValue === "string" && targetValue !== "" && !isUnknown(targetValue) ? `value:${targetValue}` : `urn:${deps[0]}`;
}

function kindOf(type: string): string {
  return type.split(":").pop() ?? type;
}

function positionalFindings(attachments: readonly Subject[]): Finding[] {
  const out: Finding[] = [];
  const named = attachments.map((subject) => ({ subject, position: positionalName(subject.name) })).filter((a) => a.position);
  const groups = groupBy(named, (a) => `${a.subject.type}|${awsScopeOf(a.subject).account}|${a.position!.stem}`);
  for (const group of groups.values()) {
    if (group.length < 2) continue;
    const names = group.map((a) => a.subject.name).sort();
    for (const { subject, position } of group) {
      out.push({
        subject,
        message: `${kindOf(subject.type)} ${subject.name} is named by its position in a list (${names.join(", ")} share the stem ${position!.stem}): removing or reordering one policy gives the others new policy ARNs under their old names, the engine replaces each (create, then delete the old one), and deleting an old one detaches a policy another attachment has just attached, so the principal silently loses it; name each attachment after its policy (e.g. ${position!.stem}-<policy name>) and add aliases: [{ name: "${subject.name}" }] so this one keeps its URN.`,
      });
    }
  }
  return out;
}

function duplicateFindings(attachments: readonly Subject[], byUrn: ReadonlyMap<string, Subject>): Finding[] {
  const out: Finding[] = [];
  const keyed: { subject: Subject; key: string }[] = [];
  for (const subject of attachments) {
    const field = ATTACHMENTS[subject.type];
    const principal = referenceKey(subject, field, byUrn, "name");
    const policy = referenceKey(subject, "policyArn", byUrn, "arn");
    if (principal === undefined) out.push(cannotTellYet(`${kindOf(subject.type)} ${subject.name}`, field, POLICY, subject));
    else if (policy === undefined) out.push(cannotTellYet(`${kindOf(subject.type)} ${subject.name}`, "policyArn", POLICY, subject));
    else keyed.push({ subject, key: `${subject.type}|${awsScopeOf(subject).account}|${principal}|${policy}` });
  }
  for (const group of groupBy(keyed, (k) => k.key).values()) {
    const [first, ...rest] = group;
    for (const { subject } of rest) {
      out.push({
        subject,
        message: `${kindOf(subject.type)} ${subject.name} attaches the same policy to the same ${ATTACHMENTS[subject.type]} as ${first.subject.name}: AWS keeps one attachment, so destroying or replacing either resource detaches the policy for both; keep one attachment per policy and principal.`,
      });
    }
  }
  return out;
}

export const attachmentsStable: StackRule = {
  meta: coherence(
    "RC-12",
    "attachments-stable",
    "IAM policy attachments survive the next change: named after their policy, one per policy and principal",
    "high",
    "Name each policy attachment after its policy, not its position in a list (alias the old name to keep the URN), and attach a policy to a principal once.",
  ),
  judges: Object.keys(ATTACHMENTS),
  check(resources) {
    const attachments = resources.filter((r) => r.type in ATTACHMENTS);
    if (attachments.length === 0) return [];
    const byUrn = new Map(resources.map((r) => [r.urn, r] as const));
    return [...positionalFindings(attachments), ...duplicateFindings(attachments, byUrn)];
  },
};
