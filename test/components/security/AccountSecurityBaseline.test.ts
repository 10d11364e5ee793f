import * as aws from "@pulumi/aws";
import { installMockRuntime, settle, ResourceRecorder } from "../../../src/testing/mocks";
import {
  AccountSecurityBaseline,
  AccountSecurityBaselineArgs,
  validateAccountSecurityBaselineArgs,
} from "../../../components/security/AccountSecurityBaseline";

async function deploy(preview: boolean, args: Partial<AccountSecurityBaselineArgs> = {}): Promise<ResourceRecorder> {
  const recorder = installMockRuntime({ preview, stack: "prod" });
  const region = args.region ?? "eu-west-1";
  const provider = new aws.Provider("regional", { region });
  new AccountSecurityBaseline("account", { region, environment: "prod", primary: true, ...args }, { provider });
  await settle();
  return recorder;
}

describe.each([true, false])("AccountSecurityBaseline (preview=%s)", (preview) => {
  let shared: ResourceRecorder;
  beforeAll(async () => {
    shared = await deploy(preview);
  });

  test("CloudTrail: multi-region, log file validation, KMS, CloudWatch Logs", async () => {
    const recorder = shared;
    const trail = recorder.one("aws:cloudtrail/trail:Trail");
    const inputs = recorder.inputsOf(trail);
    expect(inputs).toMatchObject({
      name: "platform-prod",
      isMultiRegionTrail: true,
      includeGlobalServiceEvents: true,
      enableLogFileValidation: true,
      enableLogging: true,
    });
    const key = recorder.one("aws:kms/key:Key");
    expect(inputs.kmsKeyId).toBe(key.outputs.arn);
    expect(recorder.inputsOf(key).enableKeyRotation).toBe(true);
    const logGroup = recorder.one("aws:cloudwatch/logGroup:LogGroup");
    expect(inputs.cloudWatchLogsGroupArn).toBe(`${logGroup.outputs.arn}:*`);
    expect(recorder.inputsOf(logGroup)).toMatchObject({ retentionInDays: 365, kmsKeyId: key.outputs.arn });
    expect(trail.dependencies).toContain(recorder.one("aws:s3/bucketPolicy:BucketPolicy").urn);
    expect(recorder.regionOf(trail)).toBe("eu-west-1");
  });

  test("trail key policy lets CloudTrail encrypt only for this trail and CloudWatch Logs of this region", async () => {
    const recorder = shared;
    const policy = JSON.parse(recorder.inputsOf(recorder.one("aws:kms/key:Key")).policy);
    const bySid = Object.fromEntries(policy.Statement.map((s: any) => [s.Sid, s]));
    expect(bySid.CloudTrailEncryptLogs.Condition.StringEquals["aws:SourceArn"]).toBe("arn:aws:cloudtrail:eu-west-1:123456789012:trail/platform-prod");
    expect(bySid.CloudWatchLogsUseKey.Principal).toEqual({ Service: "logs.eu-west-1.amazonaws.com" });
  });

  test("trail bucket: TLS only, SSE-KMS, versioned, public access blocked, CloudTrail pinned to the trail", async () => {
    const recorder = shared;
    const policy = JSON.parse(recorder.inputsOf(recorder.one("aws:s3/bucketPolicy:BucketPolicy")).policy);
    expect(policy.Statement[0]).toMatchObject({ Effect: "Deny", Principal: "*", Action: "s3:*", Condition: { Bool: { "aws:SecureTransport": "false" } } });
    const write = policy.Statement.find((s: any) => s.Sid === "CloudTrailWrite");
    expect(write.Resource).toMatch(/\/AWSLogs\/123456789012\/\*$/);
    expect(write.Condition.StringEquals["aws:SourceArn"]).toMatch(/:trail\/platform-prod$/);
    const sse = recorder.inputsOf(recorder.one("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration"));
    expect(sse.rules[0].applyServerSideEncryptionByDefault.sseAlgorithm).toBe("aws:kms");
    expect(recorder.inputsOf(recorder.one("aws:s3/bucketVersioning:BucketVersioning")).versioningConfiguration.status).toBe("Enabled");
    expect(recorder.inputsOf(recorder.one("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock"))).toMatchObject({
      blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true,
    });
    expect(recorder.one("aws:s3/bucket:Bucket").options.protect).toBe(true);
  });

  test("GuardDuty: EKS audit logs and runtime monitoring with managed EKS agent", async () => {
    const recorder = shared;
    expect(recorder.inputsOf(recorder.one("aws:guardduty/detector:Detector")).enable).toBe(true);
    const features = Object.fromEntries(recorder.ofType("aws:guardduty/detectorFeature:DetectorFeature").map((r) => [recorder.inputsOf(r).name, recorder.inputsOf(r)]));
    expect(Object.keys(features).sort()).toEqual(["EKS_AUDIT_LOGS", "RUNTIME_MONITORING"]);
    expect(features.EKS_AUDIT_LOGS.status).toBe("ENABLED");
    expect(features.RUNTIME_MONITORING).toMatchObject({ status: "ENABLED", additionalConfigurations: [{ name: "EKS_ADDON_MANAGEMENT", status: "ENABLED" }] });
  });

  test("Security Hub: CIS AWS Foundations v3.0.0 in the region, no default standards", async () => {
    const recorder = shared;
    const hub = recorder.one("aws:securityhub/account:Account");
    expect(recorder.inputsOf(hub).enableDefaultStandards).toBe(false);
    const sub = recorder.one("aws:securityhub/standardsSubscription:StandardsSubscription");
    expect(recorder.inputsOf(sub).standardsArn).toBe("arn:aws:securityhub:eu-west-1::standards/cis-aws-foundations-benchmark/v/3.0.0");
    expect(sub.options.dependsOn).toContain(hub.urn);
  });

  test("Access Analyzer, EBS encryption by default, account S3 public access block", async () => {
    const recorder = shared;
    expect(recorder.inputsOf(recorder.one("aws:accessanalyzer/analyzer:Analyzer"))).toMatchObject({ type: "ACCOUNT", analyzerName: "platform-prod" });
    expect(recorder.inputsOf(recorder.one("aws:ebs/encryptionByDefault:EncryptionByDefault")).enabled).toBe(true);
    expect(recorder.inputsOf(recorder.one("aws:s3/accountPublicAccessBlock:AccountPublicAccessBlock"))).toMatchObject({
      blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true,
    });
  });

  test("secondary region: regional controls only, no second trail or account-wide block", async () => {
    const recorder = await deploy(preview, { primary: false, region: "us-east-2" });
    expect(recorder.ofType("aws:cloudtrail/trail:Trail")).toEqual([]);
    expect(recorder.ofType("aws:s3/accountPublicAccessBlock:AccountPublicAccessBlock")).toEqual([]);
    expect(recorder.ofType("aws:guardduty/detector:Detector")).toHaveLength(1);
    expect(recorder.inputsOf(recorder.one("aws:securityhub/standardsSubscription:StandardsSubscription")).standardsArn).toContain(":us-east-2::");
  });

  test("AWS Config only when asked; global resources recorded in the primary region only", async () => {
    const without = await deploy(preview);
    expect(without.ofType("aws:cfg/recorder:Recorder")).toEqual([]);
    const primary = await deploy(preview, { awsConfig: true });
    expect(primary.inputsOf(primary.one("aws:cfg/recorder:Recorder")).recordingGroup).toEqual({ allSupported: true, includeGlobalResourceTypes: true });
    expect(primary.inputsOf(primary.one("aws:cfg/recorderStatus:RecorderStatus")).isEnabled).toBe(true);
    const secondary = await deploy(preview, { awsConfig: true, primary: false });
    expect(secondary.inputsOf(secondary.one("aws:cfg/recorder:Recorder")).recordingGroup.includeGlobalResourceTypes).toBe(false);
  });
});

describe("AccountSecurityBaseline validation", () => {
  const base: AccountSecurityBaselineArgs = { region: "eu-west-1", environment: "prod", primary: true };
  test.each<[string, Partial<AccountSecurityBaselineArgs>, RegExp]>([
    ["region", { region: "eu-west-9" }, /region: got "eu-west-9"/],
    ["retention", { trailLogRetentionDays: 100 }, /trailLogRetentionDays: got 100; expected a CloudWatch Logs retention value/],
    ["expire before archive", { archiveAfterDays: 300, expireAfterDays: 365 }, /expireAfterDays: got 365; expected at least archiveAfterDays \+ 90 \(390\)/],
    ["primary missing", { primary: undefined as any }, /primary: got undefined/],
  ])("%s", (_l, args, expected) => {
    expect(() => validateAccountSecurityBaselineArgs("x", { ...base, ...args })).toThrow(expected);
  });
});
