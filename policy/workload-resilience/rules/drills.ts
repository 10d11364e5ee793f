/**
 * Fault-injection drills stop themselves: every AWS FIS experiment template has at least one stop condition on a
 * CloudWatch alarm, and an alarm the program declares is in the template's region (FIS reads alarms of the
 * experiment's account and region). A template with source "none" runs to the end whatever it breaks.
 */
import type { StackRule, Subject } from "../../common/finding";
import { ofType } from "../../common/stack";
import { isUnknown } from "../../common/unknown";
import { resilience } from "./meta";

const TEMPLATE = "aws:fis/experimentTemplate:ExperimentTemplate";
const ALARMS = ["aws:cloudwatch/metricAlarm:MetricAlarm", "aws:cloudwatch/compositeAlarm:CompositeAlarm"];

function regionOf(r: Subject): string | undefined {
  const region = r.provider?.type === "pulumi:providers:aws" ? r.provider.props.region : undefined;
  return typeof region === "string" && !isUnknown(region) ? region : undefined;
}

/** The region in an alarm ARN (`arn:aws:cloudwatch:<region>:<account>:alarm:<name>`), when the ARN is known. */
function arnRegion(value: unknown): string | undefined {
  return typeof value === "string" && !isUnknown(value) ? /^arn:[^:]+:cloudwatch:([^:]+):/.exec(value)?.[1] : undefined;
}

function problemsOf(t: Subject, alarms: readonly Subject[]): string[] {
  const raw = t.props.stopConditions;
  if (isUnknown(raw)) return [];
  const conditions = (Array.isArray(raw) ? raw : []).filter((c): c is Record<string, unknown> => c !== null && typeof c === "object");
  const onAlarm = conditions.filter((c) => c.source === "aws:cloudwatch:alarm" || isUnknown(c.source));
  if (onAlarm.length === 0) return ["has no stop condition on a CloudWatch alarm; add stopConditions [{ source: \"aws:cloudwatch:alarm\", value: <alarm ARN> }] for the objective the drill proves"];
  const region = regionOf(t);
  const problems: string[] = [];
  for (const c of onAlarm) {
    if (c.value === undefined || c.value === null || c.value === "") problems.push("has a CloudWatch stop condition without an alarm ARN; set value to the alarm's ARN");
    const inArn = arnRegion(c.value);
    if (region && inArn && inArn !== region) problems.push(`stops on an alarm in ${inArn} but runs in ${region}; use an alarm of ${region}`);
  }
  const declared = alarms.filter((a) => (t.propertyDependencies?.stopConditions ?? []).includes(a.urn));
  for (const a of declared) {
    const r = regionOf(a);
    if (region && r && r !== region) problems.push(`stops on alarm ${a.name} in ${r} but runs in ${region}; use an alarm of ${region}`);
  }
  return problems;
}

export const fisStopConditions: StackRule = {
  meta: resilience("WR-18", "fis-stop-conditions", "Fault-injection experiments stop on alarms of their own region", "high",
    "Give every aws.fis.ExperimentTemplate stop conditions on CloudWatch alarms (source aws:cloudwatch:alarm) in its region that measure what the drill proves."),
  check(resources) {
    const alarms = resources.filter((r) => ALARMS.includes(r.type));
    return ofType(resources, TEMPLATE).flatMap((t) => problemsOf(t, alarms).map((p) => ({ subject: t, message: `FIS experiment template ${t.name} ${p}.` })));
  },
};
