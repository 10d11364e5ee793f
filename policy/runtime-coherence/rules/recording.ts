/**
 * RC-10: a Security Hub standard has AWS Config recording under it. Most controls of the CIS AWS Foundations and
 * FSBP standards are AWS Config rules (Security Hub user guide, "Enabling AWS Config": "Security Hub uses AWS Config
 * rules to run security checks"), so a standard in an account and region where Config does not record reports
 * those controls with no data, and a standard created in parallel with the recorder starts before recording does.
 * Joined per account and region of the AWS provider (joins.ts): the recorder must be in the same one, recording must
 * be switched on (a RecorderStatus with isEnabled), and the subscription must depend on that status so the engine
 * creates it after recording starts (the engine orders only what dependencies say; stepGenerator runs the rest in
 * parallel). A recorder owned by another stack or the organization is not visible to a policy: the finding says so,
 * and an exemption with that reason is the answer.
 */
import type { Finding, StackRule, Subject } from "../../common/finding";
import { boolOf, cannotTellYet } from "../../common/unknown";
import { awsScopeOf, groupBy } from "./joins";
import { coherence } from "./meta";

const STANDARD = "aws:securityhub/standardsSubscription:StandardsSubscription";
const RECORDER = "aws:cfg/recorder:Recorder";
const RECORDER_STATUS = "aws:cfg/recorderStatus:RecorderStatus";

const meta = coherence(
  "RC-10",
  "security-hub-standard-recorded",
  "A Security Hub standard has AWS Config recording in its account and region, and is created after recording starts",
  "medium",
  "Record with AWS Config (aws.cfg.Recorder plus a RecorderStatus with isEnabled: true) in the same account and region, and make the standards subscription dependOn the RecorderStatus.",
);

/** Every URN `subject` depends on, directly or through what it depends on. */
function dependencyClosure(subject: Subject, byUrn: ReadonlyMap<string, Subject>): Set<string> {
  const seen = new Set<string>();
  const queue = [...(subject.dependencies ?? []), ...Object.values(subject.propertyDependencies ?? {}).flat()];
  while (queue.length > 0) {
    const urn = queue.pop()!;
    if (seen.has(urn)) continue;
    seen.add(urn);
    const next = byUrn.get(urn);
    if (next) queue.push(...(next.dependencies ?? []), ...Object.values(next.propertyDependencies ?? {}).flat());
  }
  return seen;
}

function judgeStandard(standard: Subject, scope: readonly Subject[], byUrn: ReadonlyMap<string, Subject>): Finding | undefined {
  const where = awsScopeOf(standard);
  const place = `${where.account}, ${where.region}${where.note ? ` (${where.note})` : ""}`;
  const recorders = scope.filter((r) => r.type === RECORDER);
  if (recorders.length === 0) {
    return { subject: standard, message: `Security Hub standard ${standard.name} in ${place} has no AWS Config recorder in this program for that account and region, so its Config-rule controls report no data; record there (aws.cfg.Recorder and a RecorderStatus with isEnabled: true) and dependOn the status, or exempt this finding naming the stack or organization that records there.` };
  }
  const statuses = scope.filter((r) => r.type === RECORDER_STATUS);
  const enabled = statuses.map((s) => boolOf(s.props.isEnabled));
  if (!enabled.includes(true)) {
    if (enabled.includes("unknown")) return cannotTellYet(`RecorderStatus ${statuses[enabled.indexOf("unknown")].name}`, "isEnabled", meta.id, standard);
    return { subject: standard, message: `Security Hub standard ${standard.name} in ${place} has AWS Config recorder ${recorders[0].name} but recording is never switched on (no RecorderStatus with isEnabled: true), so its Config-rule controls report no data; add the RecorderStatus and dependOn it.` };
  }
  const closure = dependencyClosure(standard, byUrn);
  const on = statuses.filter((_s, i) => enabled[i] === true);
  if (on.some((s) => closure.has(s.urn))) return undefined;
  return { subject: standard, message: `Security Hub standard ${standard.name} in ${place} does not depend on RecorderStatus ${on[0].name}, so the engine may create it before AWS Config records and its first checks run without data; add dependsOn: [${on[0].name}] to the subscription.` };
}

export const securityHubStandardRecorded: StackRule = {
  meta,
  check(resources) {
    const byUrn = new Map(resources.map((r) => [r.urn, r]));
    const relevant = resources.filter((r) => r.type === STANDARD || r.type === RECORDER || r.type === RECORDER_STATUS);
    const out: Finding[] = [];
    for (const scope of groupBy(relevant, (r) => awsScopeOf(r).key).values()) {
      for (const standard of scope.filter((r) => r.type === STANDARD)) {
        const finding = judgeStandard(standard, scope, byUrn);
        if (finding) out.push(finding);
      }
    }
    return out;
  },
};
