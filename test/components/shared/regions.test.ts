/** The region table follows @pulumi/aws's Region enum: every commercial region, stable codes, no other partition. */
import * as aws from "@pulumi/aws";
import { AWS_REGIONS, isCommercialRegion, regionCode, zonesOf } from "../../../components/shared/regions";

test("every commercial region of the provider's Region enum is known, and only those", () => {
  const commercial = Object.values(aws.types.enums.Region).filter(isCommercialRegion).sort();
  expect(Object.keys(AWS_REGIONS)).toEqual(commercial);
  expect(commercial.length).toBeGreaterThan(16);
  for (const other of ["cn-north-1", "us-gov-west-1", "us-iso-east-1", "us-isob-east-1", "eu-isoe-west-1", "eusc-de-east-1"]) expect(isCommercialRegion(other)).toBe(false);
  for (const region of ["af-south-1", "ap-southeast-5", "il-central-1", "mx-central-1", "ca-west-1"]) expect(Object.keys(AWS_REGIONS)).toContain(region);
});

test("region codes are the ones resource names already use, and unique", () => {
  const expected: Record<string, string> = {
    "us-east-1": "use1", "us-east-2": "use2", "us-west-1": "usw1", "us-west-2": "usw2", "ca-central-1": "cac1", "eu-west-1": "euw1",
    "eu-west-2": "euw2", "eu-west-3": "euw3", "eu-central-1": "euc1", "eu-north-1": "eun1", "ap-south-1": "aps1", "ap-southeast-1": "apse1",
    "ap-southeast-2": "apse2", "ap-northeast-1": "apne1", "ap-northeast-2": "apne2", "sa-east-1": "sae1",
  };
  for (const [region, code] of Object.entries(expected)) expect([region, regionCode(region)]).toEqual([region, code]);
  const codes = Object.values(AWS_REGIONS).map((r) => r.code);
  expect(new Set(codes).size).toBe(codes.length);
});

test.each([
  ["us-west-1", 3, ["us-west-1b", "us-west-1c"]],
  ["ap-northeast-1", 3, ["ap-northeast-1a", "ap-northeast-1c", "ap-northeast-1d"]],
  ["il-central-1", 3, ["il-central-1a", "il-central-1b", "il-central-1c"]],
])("zonesOf(%s, %d) lists the zones that exist", (region, count, zones) => {
  expect(zonesOf(region, count)).toEqual(zones);
});
