/**
 * Ingress from the whole internet: CIS AWS 5.2 / 5.3 (remote administration ports on security groups), FSBP EC2.19
 * (the high-risk ports), CIS AWS 5.1 (network ACLs). Protocols compare case-insensitively ("TCP" is tcp, as the EC2
 * API treats it), and "-1"/"all" mean every protocol and port.
 */
import { Finding, ResourceRule, Subject } from "../../common/finding";
import { arrayOf, cannotTellYet, isUnknown, numberOf, objectOf } from "../../common/unknown";
import { cisAws, fsbp } from "./meta";

export const SG = {
  Group: "aws:ec2/securityGroup:SecurityGroup",
  Rule: "aws:ec2/securityGroupRule:SecurityGroupRule",
  Ingress: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
} as const;
export const NACL = { Acl: "aws:ec2/networkAcl:NetworkAcl", Rule: "aws:ec2/networkAclRule:NetworkAclRule", Default: "aws:ec2/defaultNetworkAcl:DefaultNetworkAcl" } as const;

/** Remote server administration ports (SSH, RDP). */
export const ADMIN_PORTS = [22, 3389];
/** The ports AWS FSBP EC2.19 calls high risk. */
export const HIGH_RISK_PORTS = [20, 21, 22, 23, 25, 110, 135, 143, 445, 1433, 1434, 3000, 3306, 3389, 4333, 5000, 5432, 5500, 5601, 8080, 8088, 8888, 9200, 9300];

interface Ingress {
  readonly from?: number;
  readonly to?: number;
  /** Lower-cased protocol name or number; "" when not set. */
  readonly protocol: string;
  readonly cidrs: string[];
  readonly where: string;
  /** Fields that are unknown at preview (the verdict may depend on them). */
  readonly unknown: string[];
}

const num = (v: unknown) => {
  const n = numberOf(v);
  return typeof n === "number" ? n : undefined;
};
const strings = (v: unknown) => arrayOf(v).filter((s): s is string => typeof s === "string" && !isUnknown(s));
const unknownFields = (rule: Record<string, unknown>, fields: readonly string[]) => fields.filter((f) => isUnknown(rule[f]) || arrayOf(rule[f]).some(isUnknown));

function entry(rule: Record<string, unknown>, where: string, protocolField: string, cidrFields: readonly string[], cidrs: string[]): Ingress {
  return {
    from: num(rule.fromPort),
    to: num(rule.toPort),
    protocol: String(rule[protocolField] ?? "").toLowerCase(),
    cidrs,
    where,
    unknown: unknownFields(rule, ["fromPort", "toPort", protocolField, ...cidrFields]),
  };
}

function ingressOf(r: Subject): Ingress[] {
  if (r.type === SG.Group) {
    return arrayOf(r.props.ingress).flatMap((x, i) => {
      const rule = objectOf(x);
      return rule ? [entry(rule, `ingress[${i}]`, "protocol", ["cidrBlocks", "ipv6CidrBlocks"], [...strings(rule.cidrBlocks), ...strings(rule.ipv6CidrBlocks)])] : [];
    });
  }
  if (r.type === SG.Rule) {
    if (r.props.type !== "ingress") return [];
    return [entry(r.props, "rule", "protocol", ["cidrBlocks", "ipv6CidrBlocks"], [...strings(r.props.cidrBlocks), ...strings(r.props.ipv6CidrBlocks)])];
  }
  const cidrs = [r.props.cidrIpv4, r.props.cidrIpv6].filter((s): s is string => typeof s === "string" && !isUnknown(s));
  return [entry(r.props, "rule", "ipProtocol", ["cidrIpv4", "cidrIpv6"], cidrs)];
}

/** True for "every protocol" (-1 / all). */
const allProtocols = (protocol: string) => protocol === "-1" || protocol === "all";
/** TCP or UDP, by name or IANA number, any case. */
const portProtocol = (protocol: string) => ["tcp", "6", "udp", "17"].includes(protocol);

/** Which of `ports` a rule exposes (every one for all protocols or an open range). */
export function exposedPorts(rule: { from?: number; to?: number; protocol: string }, ports: readonly number[]): number[] {
  if (allProtocols(rule.protocol)) return [...ports];
  if (!portProtocol(rule.protocol)) return [];
  if (rule.from === undefined && rule.to === undefined) return [...ports];
  const from = rule.from ?? 0;
  const to = rule.to ?? 65535;
  return ports.filter((p) => from <= p && p <= to);
}

const label = (r: Subject, rule: Ingress) => (r.type === SG.Group ? `Security group ${r.name} ${rule.where}` : `Security group rule ${r.name}`);

function worldIngressRule(meta: ResourceRule["meta"], worlds: readonly string[], ports: readonly number[], fix: string): ResourceRule {
  return {
    meta,
    types: [SG.Group, SG.Rule, SG.Ingress],
    check(r) {
      return ingressOf(r).flatMap((rule): Finding[] => {
        const world = worlds.find((w) => rule.cidrs.includes(w));
        if (world === undefined) return rule.unknown.length > 0 ? [cannotTellYet(label(r, rule), rule.unknown.join(", "), meta.id)] : [];
        const exposed = exposedPorts(rule, ports);
        if (exposed.length > 0) return [{ message: `${label(r, rule)} opens port(s) ${exposed.join(", ")} to ${world}; ${fix}` }];
        return rule.unknown.length > 0 ? [cannotTellYet(label(r, rule), rule.unknown.join(", "), meta.id)] : [];
      });
    },
  };
}

const ADMIN_FIX = "restrict the source CIDR or reach hosts through SSM Session Manager.";

export const noIpv4AdminIngress = worldIngressRule(
  cisAws("5.2", "sg-no-ipv4-admin-ingress", "Ensure no security groups allow ingress from 0.0.0.0/0 to remote server administration ports", "high", "Remove ingress from 0.0.0.0/0 to ports 22 and 3389; reach hosts through SSM Session Manager or a restricted CIDR.", ["FSBP EC2.13", "FSBP EC2.14"]),
  ["0.0.0.0/0"],
  ADMIN_PORTS,
  ADMIN_FIX,
);
export const noIpv6AdminIngress = worldIngressRule(
  cisAws("5.3", "sg-no-ipv6-admin-ingress", "Ensure no security groups allow ingress from ::/0 to remote server administration ports", "high", "Remove ingress from ::/0 to ports 22 and 3389; reach hosts through SSM Session Manager or a restricted CIDR.", ["FSBP EC2.13"]),
  ["::/0"],
  ADMIN_PORTS,
  ADMIN_FIX,
);
export const noHighRiskPortIngress = worldIngressRule(
  fsbp("EC2.19", "aws-ec2-sg-no-high-risk-port-ingress", "Security groups should not allow unrestricted access to ports with high risk", "critical", "Remove ingress from 0.0.0.0/0 and ::/0 to the high-risk ports (databases, FTP, Telnet, SMB, admin consoles); allow only the client security groups or CIDRs that need them."),
  ["0.0.0.0/0", "::/0"],
  HIGH_RISK_PORTS,
  "allow only the client security groups or CIDRs that need it.",
);

/** Ingress entries of a network ACL (inline `ingress`, or a separate non-egress NetworkAclRule). */
function aclIngressOf(r: Subject): { rule: Record<string, unknown>; where: string }[] {
  if (r.type === NACL.Rule) return boolEgress(r.props.egress) ? [] : [{ rule: r.props, where: "rule" }];
  return arrayOf(r.props.ingress).flatMap((x, i) => (objectOf(x) ? [{ rule: objectOf(x) as Record<string, unknown>, where: `ingress[${i}]` }] : []));
}
const boolEgress = (v: unknown) => v === true || v === "true";

export const naclNoAdminIngress: ResourceRule = {
  meta: cisAws("5.1", "nacl-no-admin-ingress", "Ensure no Network ACLs allow ingress from 0.0.0.0/0 to remote server administration ports", "high", "Replace the allow rule from 0.0.0.0/0 (or ::/0) to ports 22/3389 with one for your operator CIDR, or deny those ports.", ["FSBP EC2.21"]),
  types: [NACL.Acl, NACL.Rule, NACL.Default],
  check(r) {
    return aclIngressOf(r).flatMap(({ rule, where }): Finding[] => {
      const action = String(rule.action ?? rule.ruleAction ?? "").toLowerCase();
      const cidr = [rule.cidrBlock, rule.ipv6CidrBlock].find((c) => c === "0.0.0.0/0" || c === "::/0");
      const unknown = unknownFields(rule, ["action", "ruleAction", "cidrBlock", "ipv6CidrBlock", "protocol", "fromPort", "toPort"]);
      if (action !== "allow" || cidr === undefined) return unknown.length > 0 ? [cannotTellYet(`Network ACL ${r.name} ${where}`, unknown.join(", "), "cis-aws-5.1-nacl-no-admin-ingress")] : [];
      const exposed = exposedPorts({ from: num(rule.fromPort), to: num(rule.toPort), protocol: String(rule.protocol ?? "").toLowerCase() }, ADMIN_PORTS);
      return exposed.length === 0 ? [] : [{ message: `Network ACL ${r.name} ${where} allows ${cidr} to port(s) ${exposed.join(", ")}; allow only your operator CIDR there.` }];
    });
  },
};
