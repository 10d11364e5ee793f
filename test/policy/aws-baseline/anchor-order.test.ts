/**
 * Account-level findings ("no Security Hub", "no GuardDuty detector") have no resource of their own; the resource
 * they point at must not depend on the order resources are listed in, which differs between the real engine's
 * AnalyzeStack (snapshot order) and registration order (found by `npm run parity` on the insecure fixture).
 */
import { anchor, guardDutyEnabled, securityHubEnabled } from "../../../policy/aws-baseline/rules/account";
import { contextFor, runRule, type Subject } from "../../../policy/common/finding";

const subject = (type: string, name: string): Subject => ({ type, name, urn: `urn:pulumi:prod::p::${type}::${name}`, props: {} });
const resources = [subject("aws:ec2/vpc:Vpc", "vpc"), subject("kubernetes:core/v1:Namespace", "ns"), subject("aws:ebs/encryptionByDefault:EncryptionByDefault", "ebs-default"), subject("aws:s3/bucket:Bucket", "data")];

test.each([
  ["registration order", resources],
  ["reversed", [...resources].reverse()],
  ["rotated", [...resources.slice(2), ...resources.slice(0, 2)]],
])("the anchor is the same AWS resource in %s", (_label, list) => {
  expect(anchor(list)?.name).toBe("ebs-default");
  for (const rule of [securityHubEnabled, guardDutyEnabled]) {
    expect(runRule(rule, list, contextFor("prod")).map((f) => f.subject.urn)).toEqual([resources[2].urn]);
  }
});

test("no AWS resource, no anchor (and no account finding)", () => {
  expect(anchor([subject("kubernetes:core/v1:Namespace", "ns")])).toBeUndefined();
  expect(runRule(securityHubEnabled, [subject("kubernetes:core/v1:Namespace", "ns")], contextFor("prod"))).toEqual([]);
});
