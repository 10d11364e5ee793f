/** Up-front validation of DataTierArgs: every problem of every part, reported at once, before anything is created. */
import { AWS_REGIONS, isKnownRegion } from "../shared/regions";
import { argsObjectProblems, checkOneOf, checkOptionalBoolean, Problem, Problems } from "../shared/validation";
import { headroomProblems } from "./alarms";
import { auroraProblems } from "./aurora";
import { backupBucketProblems } from "./buckets";
import { backupPlanProblems } from "./BackupPlan";
import { checkOptionalSecretName } from "./network";
import type { DataTierArgs } from "./DataTier";
import { recoveryProblems } from "./recovery";
import { redisProblems } from "./redis";
import { rotationProblems } from "./rotation";
import { DataRegion, Environments } from "./types";

export function dataTierProblems(args: DataTierArgs): Problem[] {
  const shape = argsObjectProblems(args, "DataTier");
  if (shape.length > 0) return shape;
  const problems = new Problems();
  checkOneOf(problems, "environment", args.environment, Environments);
  const regions = Array.isArray(args.regions) ? args.regions : [];
  const seen = new Set<string>();
  regions.forEach((r, i) => checkDataRegion(problems, `regions[${i}]`, r, seen));
  problems.addAll(
    recoveryProblems({
      objectives: args.recoveryObjectives ?? ({} as DataTierArgs["recoveryObjectives"]),
      regionCount: regions.length,
      environment: args.environment,
      backupSchedule: args.backup?.schedule,
      enforceAuroraRpo: args.aurora?.enforceRpo,
    }),
  );
  problems.addAll(auroraProblems(args.aurora ?? {}, "aurora"));
  problems.addAll(rotationProblems(args.rotation, "rotation"));
  problems.addAll(redisProblems(args.redis ?? {}, "redis"));
  // The schedule is checked against the objectives by recoveryProblems; check the rest of the plan settings here.
  problems.addAll(backupPlanProblems({ ...args.backup, schedule: undefined }, "backup"));
  problems.addAll(backupBucketProblems(args.backup ?? {}, "backup"));
  problems.addAll(headroomProblems(args.alarms, "alarms"));
  checkOptionalBoolean(problems, "protect", args.protect);
  checkOptionalSecretName(problems, "secretNamePrefix", args.secretNamePrefix);
  // null reads as unset, as DataAlarms reads it (`topicArns?.[region] ?? new topic`).
  if (args.alarmTopicArns !== undefined && args.alarmTopicArns !== null) checkAlarmTopics(problems, "alarmTopicArns", args.alarmTopicArns, regions);
  return [...problems.list];
}

/** One region of the tier: known and listed once, with its provider, two or more of its own zones and a client security group. */
function checkDataRegion(problems: Problems, at: string, r: DataRegion, seen: Set<string>): void {
  // null (YAML `- ` with no value) is a problem naming the entry; other non-objects already fail the field checks below.
  if (!problems.check(r !== null && r !== undefined, { property: at, value: r, rule: "a region object { region, provider, vpcId, privateSubnetIds, allowedSecurityGroupIds, availabilityZones }", fix: `write ${at} as an object, or remove it` })) return;
  const known = problems.check(isKnownRegion(r.region), {
    property: `${at}.region`,
    value: r.region,
    rule: `a known AWS region (${Object.keys(AWS_REGIONS).join(", ")})`,
    fix: `set ${at}.region to one of the known regions, or add it to components/shared/regions.ts`,
  });
  problems.check(!seen.has(r.region), {
    property: `${at}.region`,
    value: r.region,
    rule: "each region listed once",
    fix: `remove the second entry for ${r.region}`,
  });
  seen.add(r.region);
  problems.check(r.provider !== undefined, { property: `${at}.provider`, value: r.provider, rule: "the aws.Provider of the region", fix: `pass the provider for ${r.region}` });
  const zones: readonly string[] = Array.isArray(r.availabilityZones) ? r.availabilityZones : [];
  problems.check(zones.length >= 2 && new Set(zones).size === zones.length, {
    property: `${at}.availabilityZones`,
    value: r.availabilityZones,
    rule: "at least 2 distinct zones (instances and cache nodes are spread over them)",
    fix: "pass the zones of the private subnets, e.g. from the network component",
  });
  if (known) {
    const foreign = zones.filter((z) => typeof z !== "string" || !z.startsWith(r.region));
    problems.check(foreign.length === 0, {
      property: `${at}.availabilityZones`,
      value: foreign,
      rule: `zones of ${r.region}`,
      fix: `pass zones such as ${r.region}${AWS_REGIONS[r.region].zoneLetters[0]}`,
    });
  }
  problems.check(Array.isArray(r.allowedSecurityGroupIds) && r.allowedSecurityGroupIds.length > 0, {
    property: `${at}.allowedSecurityGroupIds`,
    value: r.allowedSecurityGroupIds,
    rule: "at least one security group (the cluster's node or pod security group) allowed to connect",
    fix: "pass the cluster's node security group id",
  });
}

/** A topic for every region of the tier (property is the arguments' `alarmTopicArns`). */
function checkAlarmTopics(problems: Problems, property: string, alarmTopicArns: NonNullable<DataTierArgs["alarmTopicArns"]>, regions: readonly DataRegion[]): void {
  // A null region entry is reported by checkDataRegion.
  for (const r of regions.filter((entry) => entry !== null && entry !== undefined)) {
    problems.check(alarmTopicArns[r.region] !== undefined, {
      property: `${property}["${r.region}"]`,
      value: Object.keys(alarmTopicArns),
      rule: "a topic for every region (CloudWatch alarms can only notify a topic in their own region)",
      fix: `add a topic ARN for ${r.region}, or leave alarmTopicArns unset to create encrypted topics`,
    });
  }
}
