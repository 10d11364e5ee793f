/**
 * Up-front validation of `HaClusterArgs`.
 */
import { AWS_REGIONS, isKnownRegion } from "../shared/regions";
import { argsObjectProblems, checkInteger, checkOneOf, listField, Problem, Problems } from "../shared/validation";
import { formatCidr, isNetworkAddress, networkOf, parseCidr } from "../network/cidr";
import { Environment, Environments, environmentProfile } from "../shared/environment";
import { isLogRetentionDays, LOG_RETENTION_DAYS } from "../shared/logs";
import { AmiType, CapacityType, TaintEffect } from "./types";
import { isSupportedKubernetesVersion, SUPPORTED_KUBERNETES_VERSIONS } from "./versions";
import type { HaClusterArgs, NodeGroupArgs } from "./HaCluster";

const VERSION_PATTERN = /^1\.\d{1,2}$/;
const ROLE_ARN_PATTERN = /^arn:aws(-[a-z]+)*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/;
const NODE_GROUP_KEY = /^[a-z][a-z0-9-]{0,19}$/;
const CLUSTER_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{0,99}$/;

/** Every problem with the arguments; empty when they are valid. */
export function haClusterProblems(args: HaClusterArgs): Problem[] {
  const shape = argsObjectProblems(args, "HaCluster");
  if (shape.length > 0) return shape;
  const problems = new Problems();
  const profile = environmentProfile(args.environment);
  const prod = profile.strict;
  checkOneOf(problems, "environment", args.environment, Environments);
  const regionOk = problems.check(isKnownRegion(args.region), {
    property: "region",
    value: args.region,
    rule: `a known AWS region (${Object.keys(AWS_REGIONS).join(", ")})`,
    fix: "set region to one of the known regions, or add it to components/shared/regions.ts",
  });

  checkKubernetesVersion(problems, args.kubernetesVersion);
  checkZones(problems, args, profile.minZones, regionOk);
  checkPublicAccess(problems, args.endpointPublicAccessCidrs, prod);
  checkPrivateAccess(problems, args.endpointPrivateAccessCidrs);
  checkAdminRoles(problems, args);
  checkNameAndLogRetention(problems, args);
  checkNodeGroups(problems, args);
  return [...problems.list];
}

/** The zones: an array of names, at least the environment's minimum and distinct, each a zone of a known region. */
function checkZones(problems: Problems, args: HaClusterArgs, profileMinZones: number, regionOk: boolean): void {
  const zones = args.availabilityZones;
  if (
    problems.check(Array.isArray(zones) && zones.every((z) => typeof z === "string"), {
      property: "availabilityZones",
      value: zones,
      rule: "an array of zone names",
      fix: "pass network.availabilityZones",
    })
  ) {
    const minimum = Math.max(2, profileMinZones); // EKS itself requires two
    problems.check(zones.length >= minimum && new Set(zones).size === zones.length, {
      property: "availabilityZones",
      value: zones,
      rule: `at least ${minimum} distinct zones in ${args.environment} (EKS requires two)`,
      fix: `pass ${minimum} or more distinct zones of ${args.region} (network.availabilityZones, chosen by AZ ID in the stacks)`,
    });
    if (regionOk) {
      zones.forEach((zone, i) =>
        // Zone names come from the account (getAvailabilityZones; letters differ per account): the shape is checked here.
        problems.check(zone.startsWith(args.region) && /^[a-z]$/.test(zone.slice(args.region.length)), {
          property: `availabilityZones[${i}]`,
          value: zone,
          rule: `a zone of ${args.region}`,
          fix: `use a zone of ${args.region} (the same zones as the Network)`,
        }),
      );
    }
  }
}

/** Admin role ARNs: each an IAM role ARN, with role names unique across the list. */
function checkAdminRoles(problems: Problems, args: HaClusterArgs): void {
  const adminNames = new Set<string>();
  // null has always read as "no admin roles"; any other non-list is reported instead of failing with a TypeError.
  listField(problems, "adminRoleArns", args.adminRoleArns ?? undefined).forEach((arn, i) => {
    if (
      !problems.check(typeof arn === "string" && ROLE_ARN_PATTERN.test(arn), {
        property: `adminRoleArns[${i}]`,
        value: arn,
        rule: "an IAM role ARN such as arn:aws:iam::123456789012:role/platform-admin",
        fix: "use the role's ARN (not a user, group or assumed-role session ARN)",
      })
    ) {
      return;
    }
    // The role name becomes part of the access entry's resource name, so it must be unique in the list.
    const roleName = arn.split("/").pop() as string;
    problems.check(!adminNames.has(roleName), {
      property: `adminRoleArns[${i}]`,
      value: arn,
      rule: "roles with distinct names (the role name identifies the access entry)",
      fix: "remove the duplicate, or grant one of the same-named roles access another way",
    });
    adminNames.add(roleName);
  });
}

/** The optional cluster name and control-plane log retention. */
function checkNameAndLogRetention(problems: Problems, args: HaClusterArgs): void {
  if (args.clusterName != null) {
    problems.check(typeof args.clusterName === "string" && CLUSTER_NAME.test(args.clusterName), {
      property: "clusterName",
      value: args.clusterName,
      rule: "1–100 letters, digits, hyphens or underscores, starting with a letter or digit",
      fix: "shorten the name or remove other characters, or leave clusterName unset",
    });
  }
  if (args.logRetentionDays !== undefined) {
    problems.check(isLogRetentionDays(args.logRetentionDays), {
      property: "logRetentionDays",
      value: args.logRetentionDays,
      rule: `a CloudWatch Logs retention (${LOG_RETENTION_DAYS.join(", ")})`,
      fix: "pick the nearest allowed value, e.g. 365",
    });
  }
}

/** At least one node group, then each group's own checks. */
function checkNodeGroups(problems: Problems, args: HaClusterArgs): void {
  const groups = args.nodeGroups;
  if (
    problems.check(typeof groups === "object" && groups !== null && Object.keys(groups).length > 0, {
      property: "nodeGroups",
      value: groups,
      rule: "at least one node group",
      fix: 'add a group, e.g. nodeGroups: { general: { instanceTypes: ["m7i.large"], minSizePerZone: 1, desiredSizePerZone: 1, maxSizePerZone: 3 } }',
    })
  ) {
    for (const [key, group] of Object.entries(groups)) checkNodeGroup(problems, key, group, args.environment);
  }
}

function checkKubernetesVersion(problems: Problems, version: unknown): void {
  const formatOk = problems.check(typeof version === "string" && VERSION_PATTERN.test(version), {
    property: "kubernetesVersion",
    value: version,
    rule: 'a Kubernetes minor version written "1.NN", e.g. "1.33" (no "v" prefix, no patch)',
    fix: `set kubernetesVersion to one of ${SUPPORTED_KUBERNETES_VERSIONS.map((v) => `"${v}"`).join(", ")}`,
  });
  if (!formatOk) return;
  problems.check(isSupportedKubernetesVersion(version), {
    property: "kubernetesVersion",
    value: version,
    rule: `a supported version from ${SUPPORTED_KUBERNETES_VERSIONS[0]} to ${SUPPORTED_KUBERNETES_VERSIONS[SUPPORTED_KUBERNETES_VERSIONS.length - 1]}`,
    fix: `set kubernetesVersion to one of ${SUPPORTED_KUBERNETES_VERSIONS.map((v) => `"${v}"`).join(", ")}, or add the version's add-ons to components/cluster/versions.ts`,
  });
}

function checkPublicAccess(problems: Problems, cidrs: readonly string[] | undefined, prod: boolean): void {
  listField(problems, "endpointPublicAccessCidrs", cidrs ?? undefined).forEach((text, i) => {
    const property = `endpointPublicAccessCidrs[${i}]`;
    const cidr = parseCidr(text);
    if (!problems.check(cidr !== undefined, { property, value: text, rule: "an IPv4 CIDR block such as 203.0.113.0/24", fix: "write the block as a.b.c.d/n" })) return;
    problems.check(isNetworkAddress(cidr!), { property, value: text, rule: "a network address with no host bits set", fix: `use ${formatCidr(networkOf(cidr!))}` });
    problems.check(!(prod && cidr!.prefix === 0), {
      property,
      value: text,
      rule: "an allow-list of known networks in prod: a public API endpoint open to 0.0.0.0/0 is not allowed",
      fix: "list your office/VPN/CI egress ranges instead, or remove endpointPublicAccessCidrs to keep the endpoint private",
    });
  });
}

function checkPrivateAccess(problems: Problems, cidrs: readonly string[] | undefined): void {
  const list = listField(problems, "endpointPrivateAccessCidrs", cidrs ?? undefined);
  list.forEach((text, i) => {
    const property = `endpointPrivateAccessCidrs[${i}]`;
    const cidr = parseCidr(text);
    if (!problems.check(cidr !== undefined, { property, value: text, rule: "an IPv4 CIDR block such as 203.0.113.0/24", fix: "write the block as a.b.c.d/n" })) return;
    problems.check(isNetworkAddress(cidr!) && cidr!.prefix > 0, {
      property, value: text, rule: "a network address narrower than /0", fix: "list the deployer ranges only (VPN, CI), each as its network address",
    });
    problems.check(list.indexOf(text) === i, { property, value: text, rule: "each range once", fix: "remove the duplicate" });
  });
}

function checkNodeGroup(problems: Problems, key: string, group: NodeGroupArgs, environment: Environment): void {
  const at = `nodeGroups.${key}`;
  problems.check(NODE_GROUP_KEY.test(key), {
    property: at,
    value: key,
    rule: "a group key of 1–20 lower-case letters, digits or hyphens, starting with a letter",
    fix: `rename the group, e.g. "general"`,
  });
  // A null or missing group has no fields to read; other odd values are judged field by field below.
  if (!problems.check(group != null, { property: at, value: group, rule: "a node group object", fix: `describe the group, or remove ${at}` })) return;
  problems.check(Array.isArray(group.instanceTypes) && group.instanceTypes.length > 0 && group.instanceTypes.every((t) => typeof t === "string" && /^[a-z0-9-]+\.[a-z0-9]+$/.test(t)), {
    property: `${at}.instanceTypes`,
    value: group.instanceTypes,
    rule: 'one or more EC2 instance types such as ["m7i.large"]',
    fix: `set ${at}.instanceTypes to a non-empty list of instance types of the same size (the autoscaler assumes they are alike)`,
  });
  const floor = environmentProfile(environment).nodeGroup.minPerZoneFloor;
  const minOk = checkInteger(problems, `${at}.minSizePerZone`, group.minSizePerZone, floor, 100,
    floor > 0 ? `set ${at}.minSizePerZone to ${floor} or more: ${environment} keeps capacity in every zone` : undefined);
  const maxOk = checkInteger(problems, `${at}.maxSizePerZone`, group.maxSizePerZone, 1, 100);
  const desiredOk = checkInteger(problems, `${at}.desiredSizePerZone`, group.desiredSizePerZone, 0, 100);
  if (minOk && maxOk && desiredOk) {
    problems.check(group.minSizePerZone <= group.maxSizePerZone, {
      property: `${at}.minSizePerZone`,
      value: group.minSizePerZone,
      rule: `at most maxSizePerZone (${group.maxSizePerZone})`,
      fix: `lower ${at}.minSizePerZone or raise ${at}.maxSizePerZone`,
    });
    problems.check(group.desiredSizePerZone >= group.minSizePerZone && group.desiredSizePerZone <= group.maxSizePerZone, {
      property: `${at}.desiredSizePerZone`,
      value: group.desiredSizePerZone,
      rule: `between minSizePerZone (${group.minSizePerZone}) and maxSizePerZone (${group.maxSizePerZone})`,
      fix: `set ${at}.desiredSizePerZone to a value from ${Math.min(group.minSizePerZone, group.maxSizePerZone)} to ${group.maxSizePerZone}`,
    });
  }
  if (group.maxUnavailablePercentage !== undefined) checkInteger(problems, `${at}.maxUnavailablePercentage`, group.maxUnavailablePercentage, 1, 100);
  if (group.diskSizeGiB !== undefined) checkInteger(problems, `${at}.diskSizeGiB`, group.diskSizeGiB, 20, 16384);
  if (group.capacityType !== undefined) checkOneOf(problems, `${at}.capacityType`, group.capacityType, Object.values(CapacityType));
  if (group.amiType !== undefined) checkOneOf(problems, `${at}.amiType`, group.amiType, Object.values(AmiType));
  listField(problems, `${at}.taints`, group.taints ?? undefined).forEach((taint, i) => {
    if (!problems.check(taint != null, { property: `${at}.taints[${i}]`, value: taint, rule: "a taint { key, value?, effect }", fix: "write the taint's key and effect, or remove the entry" })) return;
    checkOneOf(problems, `${at}.taints[${i}].effect`, taint.effect, Object.values(TaintEffect));
    problems.check(typeof taint.key === "string" && taint.key.length > 0 && taint.key.length <= 63 + 254, {
      property: `${at}.taints[${i}].key`,
      value: taint.key,
      rule: "a non-empty taint key",
      fix: "set the taint key, e.g. dedicated",
    });
  });
}
