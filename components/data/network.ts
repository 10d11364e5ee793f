/** Network isolation shared by the stores: a security group that admits only the given groups on one port. */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { AWS_REGIONS, isKnownRegion } from "../shared/regions";
import { isRecord, Problems } from "../shared/validation";

export interface ServiceSecurityGroupArgs {
  readonly vpcId: pulumi.Input<string>;
  readonly port: number;
  readonly description: string;
  /** Only these security groups (the cluster's nodes / pods) may connect. */
  readonly allowedSecurityGroupIds: readonly pulumi.Input<string>[];
  readonly tags?: Readonly<Record<string, string>>;
}

/**
 * A security group with one ingress rule per allowed group on the service port and no egress rule: data stores
 * answer connections, they do not open them (replication between regions does not go through the VPC).
 */
export function serviceSecurityGroup(name: string, args: ServiceSecurityGroupArgs, opts: pulumi.CustomResourceOptions): aws.ec2.SecurityGroup {
  const group = new aws.ec2.SecurityGroup(
    name,
    { vpcId: args.vpcId, description: args.description, revokeRulesOnDelete: true, tags: { ...args.tags } },
    opts,
  );
  args.allowedSecurityGroupIds.forEach((source, i) => {
    new aws.vpc.SecurityGroupIngressRule(
      `${name}-from-${i}`,
      {
        securityGroupId: group.id,
        referencedSecurityGroupId: source,
        ipProtocol: "tcp",
        fromPort: args.port,
        toPort: args.port,
        description: `${args.description}: clients on port ${args.port}`,
      },
      opts,
    );
  });
  return group;
}

/** Every data region spans at least two zones (`why`: what the second zone is for, in the component's words). */
export function checkRegionZones(problems: Problems, regions: readonly { readonly availabilityZones?: readonly string[] }[], why: string): void {
  regions.forEach((r, i) =>
    problems.check(Array.isArray(r?.availabilityZones) && r.availabilityZones.length >= 2 && r.availabilityZones.every((z) => typeof z === "string" && z !== ""), {
      property: `regions[${i}].availabilityZones`,
      value: r?.availabilityZones,
      rule: `at least 2 zones, ${why}`,
      fix: "pass the zones of at least two private subnets",
    }),
  );
}

/**
 * Every region entry of a regional data component is an object naming a known AWS region (its children are placed
 * and named by it); the checks DataTier makes of its own regions, for the components built without it.
 */
export function checkRegionEntries(problems: Problems, regions: readonly unknown[]): void {
  regions.forEach((r, i) => {
    const at = `regions[${i}]`;
    if (!isRecord(r)) {
      problems.add({ property: at, value: r, rule: "a region object { region, provider, ... }", fix: `write ${at} as an object, or remove it` });
      return;
    }
    problems.check(isKnownRegion(r.region), {
      property: `${at}.region`,
      value: r.region,
      rule: `a known AWS region (${Object.keys(AWS_REGIONS).join(", ")})`,
      fix: `set ${at}.region to one of the known regions, or add it to components/shared/regions.ts`,
    });
  });
}

/** The optional Secrets Manager name of a component's secret (`secretName`, `secretNamePrefix`): unset or a string. */
export function checkOptionalSecretName(problems: Problems, property: string, value: unknown): void {
  if (value === undefined || value === null) return;
  problems.check(typeof value === "string", { property, value, rule: "a Secrets Manager name (a string)", fix: `set ${property} to a string, or leave it out for the default` });
}
