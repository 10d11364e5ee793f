import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import { DrillRegion, drillQuotaProblems, drillSpecs, FIS_QUOTAS, FaultInjectionDrills, FaultInjectionDrillsArgs, faultInjectionDrillsProblems, FisActions } from "../../../components/resilience";
import { formatProblem } from "../../../components/shared/validation";
import { installMockRuntime, settle } from "../../../src/testing/mocks";
import { DRILL_REGION } from "../../support/drill-region";

const TEMPLATE = "aws:fis/experimentTemplate:ExperimentTemplate";
const ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm";
const COMPOSITE = "aws:cloudwatch/compositeAlarm:CompositeAlarm";

const region: DrillRegion = DRILL_REGION;

function build(overrides: Partial<FaultInjectionDrillsArgs> = {}) {
  const provider = new aws.Provider("use1", { region: "us-east-1" });
  const kube = new k8s.Provider("kube", { kubeconfig: "{}" });
  const dataAlarms = [0, 1].map((i) => new aws.cloudwatch.MetricAlarm(`data-${i}`, { comparisonOperator: "GreaterThanThreshold", evaluationPeriods: 1, threshold: 1 }, { provider }).arn);
  return new FaultInjectionDrills("use1-drills", { ...region, alarmTopicArn: "arn:aws:sns:us-east-1:123456789012:alarms", dataAlarmArns: dataAlarms, ...overrides }, { providers: [provider, kube] });
}

describe.each([true, false])("FaultInjectionDrills (preview=%s)", (preview) => {
  test("a template per zone, per service and for nodes, each stopping on alarms recorded in the same program and region", async () => {
    const recorder = installMockRuntime({ preview, stack: "prod" });
    build();
    await settle();
    const templates = recorder.ofType(TEMPLATE);
    expect(templates.map((t) => t.name).sort()).toEqual([
      "use1-drills-nodes", "use1-drills-pods-payments-checkout", "use1-drills-pods-storefront-catalog",
      "use1-drills-zone-loss-us-east-1a", "use1-drills-zone-loss-us-east-1b", "use1-drills-zone-loss-us-east-1c",
    ]);
    const availability = recorder.one(ALARM, "use1-drills-availability");
    const guard = recorder.one(COMPOSITE, "use1-drills-data-guard");
    for (const t of templates) {
      const inputs = recorder.inputsOf(t);
      expect(inputs.stopConditions).toHaveLength(2);
      expect(inputs.stopConditions.every((c: { source: string }) => c.source === "aws:cloudwatch:alarm")).toBe(true);
      expect([...t.propertyDependencies.stopConditions].sort()).toEqual([availability.urn, guard.urn].sort());
      expect(t.provider).toBe(availability.provider);
      expect(inputs.logConfiguration.cloudwatchLogsConfiguration).toBeDefined();
      expect(inputs.tags["production-platform/objective"]).toMatch(/SLO/);
    }
    // The composite trips on every data-tier alarm passed in.
    expect(guard.propertyDependencies.alarmRule).toHaveLength(2);
  });

  test("the zone drill carries the AZ power-interruption scenario's actions, scoped to the zone", async () => {
    const recorder = installMockRuntime({ preview, stack: "prod" });
    build();
    await settle();
    const zone = recorder.inputsOf(recorder.one(TEMPLATE, "use1-drills-zone-loss-us-east-1b"));
    expect(zone.actions.map((a: { actionId: string }) => a.actionId).sort()).toEqual([
      FisActions.AsgCapacityError, FisActions.InterruptCacheAzPower, FisActions.StopInstances, FisActions.DisruptConnectivity, FisActions.FailoverAurora,
    ].sort());
    const nodes = zone.targets.find((t: { name: string }) => t.name === "nodes");
    expect(nodes.filters).toContainEqual({ path: "Placement.AvailabilityZone", values: ["us-east-1b"] });
    const subnets = zone.targets.find((t: { name: string }) => t.name === "subnets");
    expect(subnets.filters).toContainEqual({ path: "AvailabilityZone", values: ["us-east-1b"] });
    // FIS: the cache action takes only a duration; the zone whose nodes lose power is the target's parameter.
    const cache = zone.actions.find((a: { actionId: string }) => a.actionId === FisActions.InterruptCacheAzPower);
    expect(cache.parameters).toEqual([{ key: "duration", value: "PT10M" }]);
    const cacheTarget = zone.targets.find((t: { name: string }) => t.name === cache.target.value);
    expect([cacheTarget.resourceType, cacheTarget.parameters]).toEqual(["aws:elasticache:replicationgroup", { availabilityZoneIdentifier: "us-east-1b" }]);
  });

  test("a secondary region does not fail over Aurora (FIS cannot fail over a global secondary)", () => {
    const specs = drillSpecs({ ...region, auroraWriter: false });
    expect(specs.flatMap((s) => s.actions.map((a) => a.actionId))).not.toContain(FisActions.FailoverAurora);
    expect(specs.flatMap((s) => s.actions.map((a) => a.actionId))).toContain(FisActions.InterruptCacheAzPower);
  });

  test("the role allows instance changes only on the cluster's instances and logs only to the drill log group", async () => {
    const recorder = installMockRuntime({ preview: false, stack: "prod" });
    build();
    await settle();
    const policy = JSON.parse(recorder.inputsOf(recorder.one("aws:iam/rolePolicy:RolePolicy")).policy);
    const stop = policy.Statement.find((s: { Sid: string }) => s.Sid === "ClusterInstancesOnly");
    expect(stop.Condition).toEqual({ StringEquals: { "aws:ResourceTag/eks:cluster-name": "prod-use1" } });
    expect(policy.Statement.flatMap((s: { Action: string | string[] }) => [s.Action].flat())).not.toContain("*");
    const logs = policy.Statement.find((s: { Sid: string }) => s.Sid === "WriteDrillLogs");
    expect(logs.Resource).toMatch(/use1-drills-log.*:\*$/);
    expect(recorder.ofType("kubernetes:rbac.authorization.k8s.io/v1:RoleBinding").map((b) => b.props.metadata)).toHaveLength(2);
  });
});

describe("bad drill input is rejected before anything registers", () => {
  test.each<[string, Partial<FaultInjectionDrillsArgs>, string]>([
    ["a drill without a stop condition", { settings: { stopOn: [] } }, "settings.stopOn: got []"],
    ["data alone where the region has no data alarm", { settings: { stopOn: ["data"] }, dataAlarmArns: [] }, "settings.stopOn: got [\"data\"]"],
    ["a fault held longer than FIS allows", { settings: { durationMinutes: 721 } }, "settings.durationMinutes: got 721"],
    ["an unknown stop signal", { settings: { stopOn: ["latency" as never] } }, "settings.stopOn[0]: got \"latency\""],
  ])("%s", (_label, overrides, expected) => {
    const args = { ...region, alarmTopicArn: "arn", dataAlarmArns: ["arn:aws:cloudwatch:us-east-1:1:alarm:a"], ...overrides };
    expect(faultInjectionDrillsProblems(args).map(formatProblem).join("\n")).toContain(expected);
    const recorder = installMockRuntime({ preview: true });
    expect(() => new FaultInjectionDrills("d", args)).toThrow(expected);
    expect(recorder.resources).toHaveLength(0);
  });
});

describe("FIS quotas (drills.ts FIS_QUOTAS, the Service Quotas listing for fis)", () => {
  test("the quotas the validator applies", () => {
    expect(FIS_QUOTAS).toEqual({ stopConditionsPerTemplate: 5, actionsPerTemplate: 20, parallelActionsPerExperiment: 10, actionDurationMinutes: 720 });
  });

  test("the platform's drills fit: the widest, the primary region's zone loss, starts 5 actions together", () => {
    const specs = drillSpecs(region);
    expect(Math.max(...specs.map((s) => s.actions.length))).toBe(5);
    expect(drillQuotaProblems(specs)).toEqual([]);
  });

  test("a template with more actions than run in parallel, or than a template holds, is refused", () => {
    const [zone] = drillSpecs(region);
    const widened = (n: number) => ({ ...zone, actions: Array.from({ length: n }, (_, i) => ({ ...zone.actions[0], name: `a${i}` })) });
    expect(drillQuotaProblems([widened(11)]).map(formatProblem).join("\n")).toContain(`drills.${zone.key}.actions: got 11; expected at most 10 actions running in parallel per experiment (FIS quota)`);
    expect(drillQuotaProblems([widened(21)]).map(formatProblem).join("\n")).toContain("expected at most 20 actions per experiment template (FIS quota)");
  });
});
