/** CIS AWS 5.2 / 5.3: no ingress from the whole internet to remote administration ports. */
import { ResourceRule, Subject } from "../../common/finding";
import { arrayOf, isUnknown, numberOf, objectOf } from "../../common/unknown";
import { cisAws } from "./meta";

export const SG = {
  Group: "aws:ec2/securityGroup:SecurityGroup",
  Rule: "aws:ec2/securityGroupRule:SecurityGroupRule",
  Ingress: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
} as const;

/** Remote server administration ports (SSH, RDP). */
export const ADMIN_PORTS = [22, 3389];

interface Ingress {
  readonly from?: number;
  readonly to?: number;
  readonly protocol: string;
  readonly cidrs: string[];
  readonly where: string;
}

function ingressOf(r: Subject): Ingress[] {
  const num = (v: unknown) => {
    const n = numberOf(v);
    return typeof n === "number" ? n : undefined;
  };
  const strings = (v: unknown) => arrayOf(v).filter((s): s is string => typeof s === "string" && !isUnknown(s));
  if (r.type === SG.Group) {
    return arrayOf(r.props.ingress).flatMap((x, i) => {
      const rule = objectOf(x);
      return rule ? [{ from: num(rule.fromPort), to: num(rule.toPort), protocol: String(rule.protocol ?? ""), cidrs: [...strings(rule.cidrBlocks), ...strings(rule.ipv6CidrBlocks)], where: `ingress[${i}]` }] : [];
    });
  }
  if (r.type === SG.Rule) {
    if (r.props.type !== "ingress") return [];
    return [{ from: num(r.props.fromPort), to: num(r.props.toPort), protocol: String(r.props.protocol ?? ""), cidrs: [...strings(r.props.cidrBlocks), ...strings(r.props.ipv6CidrBlocks)], where: "rule" }];
  }
  const cidrs = [r.props.cidrIpv4, r.props.cidrIpv6].filter((s): s is string => typeof s === "string" && !isUnknown(s));
  return [{ from: num(r.props.fromPort), to: num(r.props.toPort), protocol: String(r.props.ipProtocol ?? ""), cidrs, where: "rule" }];
}

function exposedAdminPorts(rule: Ingress): number[] {
  const all = rule.protocol === "-1" || rule.protocol === "all";
  if (!all && rule.protocol !== "tcp" && rule.protocol !== "6" && rule.protocol !== "udp" && rule.protocol !== "17") return [];
  return ADMIN_PORTS.filter((p) => all || (rule.from !== undefined && rule.to !== undefined && rule.from <= p && p <= rule.to) || (rule.from === undefined && rule.to === undefined));
}

function adminIngressRule(controlId: string, slug: string, title: string, world: string): ResourceRule {
  return {
    meta: cisAws(controlId, slug, title, "high", `Remove ingress from ${world} to ports 22 and 3389; reach hosts through SSM Session Manager or a restricted CIDR.`),
    types: [SG.Group, SG.Rule, SG.Ingress],
    check(r) {
      return ingressOf(r)
        .filter((rule) => rule.cidrs.includes(world))
        .flatMap((rule) => {
          const ports = exposedAdminPorts(rule);
          return ports.length === 0 ? [] : [{ message: `${r.type === SG.Group ? `Security group ${r.name} ${rule.where}` : `Security group rule ${r.name}`} opens port(s) ${ports.join(", ")} to ${world}; restrict the source CIDR or use SSM Session Manager.` }];
        });
    },
  };
}

export const noIpv4AdminIngress = adminIngressRule("5.2", "sg-no-ipv4-admin-ingress", "Ensure no security groups allow ingress from 0.0.0.0/0 to remote server administration ports", "0.0.0.0/0");
export const noIpv6AdminIngress = adminIngressRule("5.3", "sg-no-ipv6-admin-ingress", "Ensure no security groups allow ingress from ::/0 to remote server administration ports", "::/0");
