/**
 * RC-8: the program can reach the cluster API it manages. When a Kubernetes provider of the program talks to an EKS
 * cluster the same program creates, `pulumi up` itself must reach the endpoint. With only the private endpoint
 * (`endpointPublicAccess: false`; AWS defaults it to true, with publicAccessCidrs 0.0.0.0/0), EKS admits only what
 * the cluster security group allows on 443; with nothing declared, every Kubernetes resource times out. A path can
 * also exist outside the program (a runner inside the VPC, VPN, peering), so the finding is advisory and says why.
 */
import type { Finding, StackRule, Subject } from "../../common/finding";
import { arrayOf, boolOf, isUnknown, numberOf, objectOf } from "../../common/unknown";
import { ClusterIndex, EKS_CLUSTER, eksNameOf } from "./joins";
import { coherence } from "./meta";
import { cannotTell } from "./model";

const covers443 = (from: unknown, to: unknown, protocol: unknown): boolean => {
  if (protocol === "-1" || protocol === "all") return true;
  const f = numberOf(from);
  const t = numberOf(to);
  return typeof f === "number" && typeof t === "number" && f <= 443 && t >= 443;
};

/** True when `prop` of `rule` names one of the cluster's security groups (the EKS-created one or vpcConfig's). */
function targetsCluster(rule: Subject, prop: string, eks: Subject, groups: readonly Subject[]): boolean {
  const deps = rule.propertyDependencies?.[prop] ?? [];
  const vpc = objectOf(eks.props.vpcConfig) ?? {};
  const ids = [vpc.clusterSecurityGroupId, ...arrayOf(vpc.securityGroupIds)].filter((v) => typeof v === "string" && !isUnknown(v));
  if (deps.includes(eks.urn) || ids.includes(rule.props[prop])) return true;
  return groups.some((g) => deps.includes(g.urn));
}

/** The security groups the cluster was given in vpcConfig (by dependency or id). */
function clusterGroups(securityGroups: readonly Subject[], eks: Subject): Subject[] {
  const deps = eks.propertyDependencies?.vpcConfig ?? [];
  const ids = arrayOf(objectOf(eks.props.vpcConfig)?.securityGroupIds);
  return securityGroups.filter((r) => deps.includes(r.urn) || ids.includes(r.props.id));
}

const INGRESS_TYPES = ["aws:ec2/securityGroup:SecurityGroup", "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", "aws:ec2/securityGroupRule:SecurityGroupRule"];

/**
 * The security groups and ingress rules of the stack, taken once per check. Only private-only clusters managed by
 * the program are judged against them, so the cost is that count × these few resources, not × the whole stack.
 */
function declaredPath(network: readonly Subject[], eks: Subject): boolean {
  const groups = clusterGroups(network.filter((r) => r.type === INGRESS_TYPES[0]), eks);
  const inline = groups.some((g) => arrayOf(g.props.ingress).some((i) => {
    const rule = objectOf(i) ?? {};
    return covers443(rule.fromPort, rule.toPort, rule.protocol) && (arrayOf(rule.cidrBlocks).length > 0 || arrayOf(rule.securityGroups).length > 0 || arrayOf(rule.prefixListIds).length > 0 || rule.self === true);
  }));
  const rules = network.some((r) => {
    if (r.type === "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule") {
      return covers443(r.props.fromPort, r.props.toPort, r.props.ipProtocol) && targetsCluster(r, "securityGroupId", eks, groups) && [r.props.cidrIpv4, r.props.cidrIpv6, r.props.referencedSecurityGroupId, r.props.prefixListId].some((v) => v !== undefined && v !== "");
    }
    if (r.type === "aws:ec2/securityGroupRule:SecurityGroupRule" && r.props.type === "ingress") {
      return covers443(r.props.fromPort, r.props.toPort, r.props.protocol) && targetsCluster(r, "securityGroupId", eks, groups);
    }
    return false;
  });
  return inline || rules;
}

export const reachableApi: StackRule = {
  meta: coherence(
    "RC-8",
    "reachable-api",
    "A cluster API the program manages through a Kubernetes provider has a declared access path",
    "high",
    "Admit 443 to the cluster security group from the deployer's CIDR or security group, or open the public endpoint to the deployer's CIDRs, or deploy the Kubernetes part from inside the VPC.",
  ),
  check(resources) {
    const providersOf = new ClusterIndex(resources).providersByCluster(resources);
    const network = resources.filter((r) => INGRESS_TYPES.includes(r.type));
    return resources.filter((r) => r.type === EKS_CLUSTER).flatMap((eks): Finding[] => {
      const providers = providersOf.get(eks.urn) ?? [];
      if (providers.length === 0) return [];
      const vpc = objectOf(eks.props.vpcConfig);
      if (!vpc) return isUnknown(eks.props.vpcConfig) ? [cannotTell(eks, "vpcConfig", "whether the program can reach the cluster API")] : [];
      const pub = boolOf(vpc.endpointPublicAccess);
      if (pub === "unknown") return [cannotTell(eks, "vpcConfig.endpointPublicAccess", "whether the program can reach the cluster API")];
      if (pub !== false || declaredPath(network, eks)) return [];
      return [{
        subject: eks,
        advisory: true,
        message: `EKS cluster ${eksNameOf(eks) ?? eks.name} has only a private endpoint and Kubernetes provider ${providers.map((p) => p.name).join(", ")} of this program manages it, but nothing in the program admits 443 to its security group, so a deploy from outside the VPC times out on the first Kubernetes resource (advisory: a runner inside the VPC or a VPN is invisible here); add an ingress rule on 443 from the deployer's CIDR or security group, or set publicAccessCidrs to the deployer's CIDRs.`,
      }];
    });
  },
};
