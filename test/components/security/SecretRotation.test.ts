import * as aws from "@pulumi/aws";
import { installMockRuntime, settle } from "../../../src/testing/mocks";
import { SecretRotation, SecretRotationArgs, rotationRules, validateSecretRotationArgs } from "../../../components/security/SecretRotation";

const SECRET = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:rds!cluster-abc-123456";
const LAMBDA = "arn:aws:lambda:eu-west-1:123456789012:function:rotate-postgres";

describe.each([true, false])("SecretRotation (preview=%s)", (preview) => {
  test("managed rotation: schedule only, no Lambda", async () => {
    const recorder = installMockRuntime({ preview });
    const provider = new aws.Provider("euw1", { region: "eu-west-1" });
    const rotation = new SecretRotation("db-master", { secretArn: SECRET, automaticallyAfterDays: 30, windowHours: 4 }, { provider });
    await settle();
    const r = recorder.one("aws:secretsmanager/secretRotation:SecretRotation");
    expect(recorder.inputsOf(r)).toEqual({
      secretId: SECRET,
      rotationRules: { automaticallyAfterDays: 30, duration: "4h" },
      rotateImmediately: false,
    });
    expect(rotation.mode).toBe("managed");
    expect(recorder.regionOf(r)).toBe("eu-west-1");
  });

  test("dependsOn on the component holds back the rotation resource itself", async () => {
    const recorder = installMockRuntime({ preview });
    const before = new aws.secretsmanager.SecretVersion("value", { secretId: SECRET, secretString: "{}" });
    new SecretRotation("db-app", { secretArn: SECRET, rotationLambdaArn: LAMBDA, automaticallyAfterDays: 30 }, { dependsOn: [before] });
    await settle();
    const rotation = recorder.one("aws:secretsmanager/secretRotation:SecretRotation");
    expect(rotation.options.dependsOn).toEqual([recorder.one("aws:secretsmanager/secretVersion:SecretVersion").urn]);
  });

  test("Lambda rotation on a cron schedule", async () => {
    const recorder = installMockRuntime({ preview });
    const rotation = new SecretRotation("db-app", { secretArn: SECRET, rotationLambdaArn: LAMBDA, scheduleExpression: "cron(0 4 ? * SUN *)" });
    await settle();
    const inputs = recorder.inputsOf(recorder.one("aws:secretsmanager/secretRotation:SecretRotation"));
    expect(inputs.rotationLambdaArn).toBe(LAMBDA);
    expect(inputs.rotationRules).toEqual({ scheduleExpression: "cron(0 4 ? * SUN *)" });
    expect(rotation.mode).toBe("lambda");
  });
});

describe("SecretRotation validation", () => {
  test("rules carry only what was set", () => {
    expect(rotationRules({ secretArn: SECRET, automaticallyAfterDays: 7 })).toEqual({ automaticallyAfterDays: 7 });
  });

  test.each<[string, Partial<SecretRotationArgs>, RegExp]>([
    ["no schedule", {}, /automaticallyAfterDays: .*expected exactly one of automaticallyAfterDays and scheduleExpression/],
    ["both", { automaticallyAfterDays: 7, scheduleExpression: "rate(7 days)" }, /exactly one/],
    ["days range", { automaticallyAfterDays: 0 }, /automaticallyAfterDays: got 0; expected an integer from 1 to 1000/],
    ["bad expression", { scheduleExpression: "weekly" }, /scheduleExpression: got "weekly"; expected rate\(N days\|hours\) or cron/],
    ["window", { automaticallyAfterDays: 7, windowHours: 25 }, /windowHours: got 25/],
  ])("%s", (_l, args, expected) => {
    expect(() => validateSecretRotationArgs("x", { secretArn: SECRET, ...args })).toThrow(expected);
  });
});
