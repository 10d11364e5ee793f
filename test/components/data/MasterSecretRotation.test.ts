import { AuroraGlobalDatabase, DataTier, DataTierArgs, MasterSecretRotation, MasterSecretRotationArgs, resolveRotationDays, rotationFunctionName, rotationProblems } from "../../../components/data";
import { formatProblem, ValidationError } from "../../../components/shared/validation";
import { installMockRuntime, RecordedResource, ResourceRecorder } from "../../../src/testing/mocks";
import { containsSecret, reveal } from "../../../src/testing/wire";
import { build, dataRegions, keyBehind, prodArgs, T } from "./fixtures";

const RDS_SUBNET_GROUP = "aws:rds/subnetGroup:SubnetGroup";

/** Resources whose `property` input was built from `source`. */
function fedBy(recorder: ResourceRecorder, type: string, property: string, source: RecordedResource): RecordedResource[] {
  return recorder.ofType(type).filter((r) => (r.propertyDependencies[property] ?? []).includes(source.urn));
}

describe.each([true, false])("DataTier master secret rotation, prod defaults (preview=%s)", (preview) => {
  let recorder: ResourceRecorder;
  let functionGroup: RecordedResource;
  let databaseGroup: RecordedResource;
  beforeAll(async () => {
    ({ recorder } = await build(preview, prodArgs));
    const rotationParts = recorder.descendantsOf(recorder.one(T.rotationComponent).urn);
    functionGroup = rotationParts.find((r) => r.type === T.sg) as RecordedResource;
    databaseGroup = recorder.ofType(T.sg).find((g) => g.name === "data-aurora-use1-sg") as RecordedResource;
  });

  test("AWS's PostgreSQL single-user rotation app, pinned, in the primary region's private subnets behind its own group", () => {
    const app = recorder.one(T.sarStack);
    expect(recorder.regionOf(app)).toBe("us-east-1");
    const inputs = recorder.inputsOf(app);
    expect(inputs).toMatchObject({
      applicationId: "arn:aws:serverlessrepo:us-east-1:297356227824:applications/SecretsManagerRDSPostgreSQLRotationSingleUser",
      semanticVersion: "1.1.671",
    });
    expect([...inputs.capabilities].sort()).toEqual(["CAPABILITY_IAM", "CAPABILITY_RESOURCE_POLICY"]);
    expect(inputs.parameters.endpoint).toBe("https://secretsmanager.us-east-1.amazonaws.com");
    expect(inputs.parameters.functionName).toBe("prod-data-aurora-rotation-use1-rotation");
    expect(inputs.parameters.functionName.length).toBeLessThanOrEqual(64);
    expect(app.propertyDependencies.parameters).toEqual(expect.arrayContaining([functionGroup.urn]));
    expect(recorder.regionOf(keyBehind(recorder, app, "parameters") as RecordedResource)).toBe("us-east-1");
    // The same private subnets the primary cluster's subnet group uses.
    const subnetGroup = recorder.ofType(RDS_SUBNET_GROUP).find((g) => recorder.regionOf(g) === "us-east-1") as RecordedResource;
    expect(inputs.parameters.vpcSubnetIds).toBe(recorder.inputsOf(subnetGroup).subnetIds.join(","));
    expect(inputs.parameters.vpcSubnetIds).toBe("subnet-use1-0,subnet-use1-1,subnet-use1-2");
    if (!preview) {
      expect(inputs.parameters.vpcSecurityGroupIds).toBe(functionGroup.id);
      expect(recorder.inputsOf(functionGroup).vpcId).toBe("vpc-use1");
    }
    expect(recorder.regionOf(functionGroup)).toBe("us-east-1");
    expect(recorder.ofType(T.sarStack)).toHaveLength(1);
  });

  test("the database group admits the function on 5432 only; the function reaches only the database and HTTPS", () => {
    const admitting = fedBy(recorder, T.ingress, "referencedSecurityGroupId", functionGroup);
    expect(admitting).toHaveLength(1);
    const [rule] = admitting;
    expect(rule.propertyDependencies.securityGroupId).toEqual([databaseGroup.urn]);
    expect(recorder.inputsOf(rule)).toMatchObject({ ipProtocol: "tcp", fromPort: 5432, toPort: 5432 });
    expect(recorder.inputsOf(rule).cidrIpv4).toBeUndefined();
    // Nothing may connect to the function.
    expect(fedBy(recorder, T.ingress, "securityGroupId", functionGroup)).toHaveLength(0);
    const egress = fedBy(recorder, T.egress, "securityGroupId", functionGroup).map((r) => ({ ...recorder.inputsOf(r), deps: r.propertyDependencies.referencedSecurityGroupId ?? [] }));
    expect(egress).toHaveLength(2);
    expect(egress).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ ipProtocol: "tcp", fromPort: 5432, toPort: 5432, deps: [databaseGroup.urn] }),
        expect.objectContaining({ ipProtocol: "tcp", fromPort: 443, toPort: 443, cidrIpv4: "0.0.0.0/0" }),
      ]),
    );
  });

  test("Secrets Manager rotates the master secret every 30 days through the function, once the database is up", () => {
    const rotation = recorder.one(T.secretRotation);
    const secret = recorder.one(T.secret, "data-aurora-master");
    expect(recorder.regionOf(rotation)).toBe("us-east-1");
    expect(rotation.propertyDependencies.secretId).toEqual([secret.urn]);
    const app = recorder.one(T.sarStack);
    if (preview) {
      // Unknown until the application's stack exists: the ARN comes from its output, never from a guess.
      expect(rotation.propertyDependencies.rotationLambdaArn).toEqual([app.urn]);
    } else {
      // The mocks give CloudFormation stacks no outputs (so both sides are undefined offline); the wiring is the same.
      expect(recorder.inputsOf(rotation).rotationLambdaArn).toEqual((reveal(app.outputs) as { outputs?: Record<string, string> }).outputs?.RotationLambdaARN);
    }
    expect(recorder.inputsOf(rotation)).toMatchObject({ rotationRules: { automaticallyAfterDays: 30 }, rotateImmediately: false });
    if (!preview) expect(recorder.inputsOf(rotation).secretId).toBe(secret.outputs.arn);
    const primaryInstances = recorder.ofType(T.instance).filter((i) => recorder.regionOf(i) === "us-east-1").map((i) => i.urn);
    const admitting = fedBy(recorder, T.ingress, "referencedSecurityGroupId", functionGroup)[0];
    expect(rotation.options.dependsOn).toEqual(expect.arrayContaining([recorder.one(T.secretVersion, "data-aurora-master").urn, admitting.urn, ...primaryInstances]));
  });

  test("Pulumi leaves the rotated password alone: masterPassword on the primary cluster and the secret's value are ignored", () => {
    const [primary, ...secondaries] = recorder.ofType(T.cluster);
    expect(primary.options.ignoreChanges).toContain("masterPassword");
    for (const secondary of secondaries) expect(secondary.options.ignoreChanges).not.toContain("masterPassword");
    expect(recorder.one(T.secretVersion, "data-aurora-master").options.ignoreChanges).toEqual(["secretString"]);
  });

  test("the rotation parts carry no secret and the secret holds the JSON the function reads", () => {
    for (const r of [recorder.one(T.sarStack), recorder.one(T.secretRotation), functionGroup]) expect(containsSecret(r.props)).toBe(false);
    if (preview) return;
    const value = JSON.parse(recorder.inputsOf(recorder.one(T.secretVersion, "data-aurora-master")).secretString);
    expect(Object.keys(value).sort()).toEqual(["dbname", "engine", "host", "password", "port", "username"]);
    expect(value).toMatchObject({ engine: "postgres", username: "dbadmin", dbname: "app", port: 5432 });
    const endpoints = [recorder.one(T.globalCluster).outputs.endpoint, recorder.ofType(T.cluster)[0].outputs.endpoint].filter(Boolean);
    expect(endpoints).toContain(value.host);
  });
});

test("a configured interval reaches the schedule", async () => {
  const { recorder } = await build(false, () => prodArgs({ rotation: { days: 7 } }));
  expect(recorder.inputsOf(recorder.one(T.secretRotation)).rotationRules).toEqual({ automaticallyAfterDays: 7 });
});

describe.each([true, false])("DataTier rotation off (preview=%s)", (preview) => {
  test("rotation: false builds no function, group or schedule, and still ignores the password fields", async () => {
    const { recorder } = await build(preview, () => prodArgs({ rotation: false }));
    for (const type of [T.sarStack, T.secretRotation, T.rotationComponent, T.egress]) expect(recorder.ofType(type)).toHaveLength(0);
    expect(recorder.ofType(T.sg)).toHaveLength(6);
    expect(recorder.ofType(T.cluster)[0].options.ignoreChanges).toContain("masterPassword");
    expect(recorder.one(T.secretVersion, "data-aurora-master").options.ignoreChanges).toEqual(["secretString"]);
  });
});

describe("DataTier rotation validation", () => {
  test.each<[string, DataTierArgs["rotation"], string]>([
    ["0 days (never rotates)", { days: 0 }, "rotation.days: got 0; expected an integer from 1 to 365"],
    ["400 days (beyond a year)", { days: 400 }, "rotation.days: got 400; expected an integer from 1 to 365"],
    ["a fraction of a day", { days: 2.5 }, "rotation.days: got 2.5"],
    ["true instead of a schedule", true as never, "rotation: got true"],
  ])("%s is rejected before anything is registered", (_label, rotation, expected) => {
    const recorder = installMockRuntime({ preview: true });
    let error: unknown;
    try {
      new DataTier("data", prodArgs({ rotation }));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ValidationError);
    const message = (error as Error).message;
    expect(message).toContain('DataTier "data" is invalid');
    expect(message).toContain(expected);
    expect(message).toContain("Fix: set rotation.days between 1 and 365 (e.g. 30), or rotation: false to turn rotation off");
    expect(recorder.resources.filter((r) => !r.type.startsWith("pulumi:providers:"))).toHaveLength(0);
  });

  test("the rule alone: absent and false are valid, the bounds are inclusive", () => {
    expect(rotationProblems(undefined)).toEqual([]);
    expect(rotationProblems(false)).toEqual([]);
    expect(rotationProblems({ days: 1 })).toEqual([]);
    expect(rotationProblems({ days: 365 })).toEqual([]);
    expect(rotationProblems({ days: 366 }).map(formatProblem)).toEqual([expect.stringContaining("rotation.days: got 366")]);
    expect([resolveRotationDays(undefined), resolveRotationDays({ days: 9 }), resolveRotationDays(false)]).toEqual([30, 9, undefined]);
  });

  test("function names stay within Lambda's 64 characters and differ per stack", () => {
    const long = rotationFunctionName("a-very-long-stack-name-for-a-feature-branch", "customer-data-tier-aurora-rotation", "apse2");
    expect(long.length).toBeLessThanOrEqual(64);
    expect(long).toMatch(/^[a-z][a-z0-9-]*$/);
    expect(rotationFunctionName("staging", "data-aurora-rotation", "use1")).not.toBe(rotationFunctionName("prod", "data-aurora-rotation", "use1"));
  });
});

describe("rotation validation outside the data tier", () => {
  test("AuroraGlobalDatabase rejects an out-of-range interval before registering anything", () => {
    const recorder = installMockRuntime({ preview: true });
    const regions = dataRegions(["us-east-1", "us-west-2"], 2).map((r) => ({ ...r, kmsKeyArn: `arn:aws:kms:${r.region}:123456789012:key/k` }));
    expect(() => new AuroraGlobalDatabase("db", { environment: "dev", regions, global: true, rotation: { days: 0 } })).toThrow(
      /AuroraGlobalDatabase "db" is invalid[\s\S]*rotation.days: got 0; expected an integer from 1 to 365/,
    );
    expect(recorder.resources.filter((r) => !r.type.startsWith("pulumi:providers:"))).toHaveLength(0);
  });

  const valid: MasterSecretRotationArgs = {
    secretArn: "arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf",
    secretKmsKeyArn: "arn:aws:kms:us-east-1:123456789012:key/k",
    region: "us-east-1",
    vpcId: "vpc-1",
    subnetIds: ["subnet-1", "subnet-2"],
    databaseSecurityGroupId: "sg-db",
    port: 5432,
    days: 30,
  };
  test.each<[string, Partial<MasterSecretRotationArgs>, string]>([
    ["400 days", { days: 400 }, "days: got 400; expected an integer from 1 to 365. Fix: set days between 1 and 365, e.g. 30"],
    ["unknown region", { region: "us-east-9" }, 'region: got "us-east-9"; expected a known AWS region'],
  ])("MasterSecretRotation rejects %s", (_label, override, expected) => {
    const recorder = installMockRuntime({ preview: true });
    expect(() => new MasterSecretRotation("r", { ...valid, ...override })).toThrow(expected);
    expect(recorder.resources.filter((r) => !r.type.startsWith("pulumi:providers:"))).toHaveLength(0);
  });
});
