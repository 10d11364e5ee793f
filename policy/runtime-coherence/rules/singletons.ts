/**
 * RC-7: account singletons. Some AWS "resources" are account settings that exist once per account and region (per
 * account for the S3 account public-access block): a second GuardDuty detector fails with "detector already exists",
 * a second Security Hub subscription with "Account is already subscribed", a second account analyzer hits the
 * quota of one, and two owners of EBS default encryption or the public-access block switch it off for everyone when
 * either stack is destroyed. Joined per account and region of the AWS provider (see joins.ts).
 * An environment stack owning one is the pattern that breaks the second stack in the same account: noted (advisory)
 * unless the stack is the account stack (`accountStack: true`, config/account.json).
 */
import type { Finding, StackRule, Subject } from "../../common/finding";
import { awsScopeOf, groupBy } from "./joins";
import { coherence } from "./meta";

interface Singleton {
  readonly type: string;
  readonly what: string;
  /** Account-wide (not per region). */
  readonly global?: boolean;
  readonly applies?: (r: Subject) => boolean;
  readonly error: string;
}

const SINGLETONS: readonly Singleton[] = [
  { type: "aws:guardduty/detector:Detector", what: "GuardDuty detector", error: "the second create fails: a detector already exists for the account" },
  { type: "aws:securityhub/account:Account", what: "Security Hub account subscription", error: "the second create fails: the account is already subscribed to Security Hub" },
  { type: "aws:accessanalyzer/analyzer:Analyzer", what: "account Access Analyzer", applies: (r) => r.props.type === undefined || r.props.type === "ACCOUNT", error: "the second create fails: the quota is one account analyzer per region" },
  { type: "aws:ebs/encryptionByDefault:EncryptionByDefault", what: "EBS encryption-by-default setting", error: "both stacks own one account setting, and destroying either switches it off for the other" },
  { type: "aws:ebs/defaultKmsKey:DefaultKmsKey", what: "EBS default KMS key setting", error: "both stacks own one account setting, and destroying either resets it for the other" },
  { type: "aws:s3/accountPublicAccessBlock:AccountPublicAccessBlock", what: "S3 account public-access block", global: true, error: "both stacks own one account setting, and destroying either removes the block for the other" },
];

const SCHEMA = {
  accountStack: { type: "boolean", default: false, description: "This stack is the account-level stack that owns the account's singletons (GuardDuty, Security Hub, Access Analyzer, EBS default encryption, S3 account public-access block)." },
};

export const accountSingletons: StackRule = {
  meta: coherence(
    "RC-7",
    "account-singletons",
    "Account-wide singletons are defined once per account and region, by the account stack",
    "high",
    "Define GuardDuty, Security Hub, the account Access Analyzer, EBS default encryption and the S3 account public-access block once, in an account-level stack.",
  ),
  configSchema: SCHEMA,
  check(resources, ctx) {
    const out: Finding[] = [];
    for (const s of SINGLETONS) {
      const found = resources.filter((r) => r.type === s.type && (s.applies?.(r) ?? true));
      const groups = groupBy(found, (r) => (s.global ? awsScopeOf(r).account : awsScopeOf(r).key));
      for (const group of groups.values()) {
        const scope = awsScopeOf(group[0]);
        const place = s.global ? `account ${scope.account}` : `${scope.account}, ${scope.region}`;
        const note = scope.note ? ` (${scope.note})` : "";
        if (group.length > 1) {
          for (const extra of group.slice(1)) out.push({ subject: extra, message: `${s.what} ${extra.name} is the ${group.length > 2 ? "" : "second "}one in ${place}${note} besides ${group[0].name}, and ${s.error}; keep one per ${s.global ? "account" : "account and region"}, in the account stack.` });
        }
        if (ctx.config.accountStack !== true) {
          for (const r of group) out.push({ subject: r, advisory: true, message: `${s.what} ${r.name} in ${place}${note} is owned by an environment stack, so another stack in the same account cannot create it and destroying this stack removes it for all; move it to an account-level stack (pack config accountStack: true there) and import it.` });
        }
      }
    }
    return out;
  },
};
