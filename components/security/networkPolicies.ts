/**
 * NetworkPolicy specs for namespace isolation: deny everything, then allow only what is declared.
 *
 * Policies are additive (a connection is allowed when any policy selecting the pod allows it), so the deny-all
 * policy is a separate object that nothing else edits, and every allow is its own named policy that can be read,
 * reviewed and removed on its own. Enforcement needs a policy engine: on EKS, the VPC CNI with
 * `enableNetworkPolicy: "true"` (the cluster component's job).
 */
import * as k8s from "@pulumi/kubernetes";
import { parseCidr } from "../network/cidr";
import { isRecord, Problems } from "../shared/validation";
import { isDns1123Label } from "../shared/kubernetes";
import { isLabelKey, isLabelValue } from "../workload/names";

type NetworkPolicySpec = k8s.types.input.networking.v1.NetworkPolicySpec;

/** Label every namespace carries since Kubernetes 1.22, set by the API server: safe to select on. */
export const NAMESPACE_NAME_LABEL = "kubernetes.io/metadata.name";

export const Protocols = { TCP: "TCP", UDP: "UDP" } as const;
export type Protocol = (typeof Protocols)[keyof typeof Protocols];

export interface PortRule {
  readonly port: number;
  /** @default TCP */
  readonly protocol?: Protocol;
}

/** One declared egress destination: an IP range outside the cluster or a namespace inside it. */
export interface EgressRule {
  /** Short DNS-label name; the policy is called `allow-egress-<name>`. */
  readonly name: string;
  /** Destination CIDR (e.g. a VPC endpoint subnet, a partner range). Exactly one of `cidr`, `cidrs` and `namespace`. */
  readonly cidr?: string;
  /** Several destination CIDRs on the same ports (e.g. the private subnets of every zone). */
  readonly cidrs?: readonly string[];
  /** Destination namespace in this cluster. Exactly one of `cidr` and `namespace`. */
  readonly namespace?: string;
  /** Only pods with these labels in `namespace`. @default every pod in the namespace */
  readonly podLabels?: Readonly<Record<string, string>>;
  /** @default every port (only allowed for `namespace` rules: a CIDR rule must name its ports) */
  readonly ports?: readonly PortRule[];
}

/** One declared ingress source: a namespace in this cluster (e.g. the ingress controller's, monitoring). */
export interface IngressRule {
  /** Short DNS-label name; the policy is called `allow-ingress-<name>`. */
  readonly name: string;
  readonly namespace: string;
  /** Only from pods with these labels in `namespace`. @default every pod in the namespace */
  readonly podLabels?: Readonly<Record<string, string>>;
  /** @default every port */
  readonly ports?: readonly PortRule[];
}

/** Selects every pod in the policy's namespace. */
const ALL_PODS = {};

/** Denies all ingress and all egress for every pod in the namespace: an empty podSelector and both policy types. */
export function defaultDenySpec(): NetworkPolicySpec {
  return { podSelector: ALL_PODS, policyTypes: ["Ingress", "Egress"] };
}

/** Lets every pod resolve names through CoreDNS (`k8s-app: kube-dns` in kube-system), UDP and TCP 53. */
export function dnsEgressSpec(): NetworkPolicySpec {
  return {
    podSelector: ALL_PODS,
    policyTypes: ["Egress"],
    egress: [
      {
        to: [
          {
            namespaceSelector: { matchLabels: { [NAMESPACE_NAME_LABEL]: "kube-system" } },
            podSelector: { matchLabels: { "k8s-app": "kube-dns" } },
          },
        ],
        ports: [
          { protocol: "UDP", port: 53 },
          { protocol: "TCP", port: 53 },
        ],
      },
    ],
  };
}

/** Lets pods of the namespace talk to each other, both ways, and to nothing else. */
export function sameNamespaceSpec(): NetworkPolicySpec {
  return {
    podSelector: ALL_PODS,
    policyTypes: ["Ingress", "Egress"],
    ingress: [{ from: [{ podSelector: ALL_PODS }] }],
    egress: [{ to: [{ podSelector: ALL_PODS }] }],
  };
}

function portsOf(ports: readonly PortRule[] | undefined) {
  return ports?.map((p) => ({ port: p.port, protocol: p.protocol ?? Protocols.TCP }));
}

function namespacePeer(namespace: string, podLabels?: Readonly<Record<string, string>>) {
  return {
    namespaceSelector: { matchLabels: { [NAMESPACE_NAME_LABEL]: namespace } },
    ...(podLabels ? { podSelector: { matchLabels: { ...podLabels } } } : {}),
  };
}

/** Allows egress to one declared destination. */
export function egressAllowSpec(rule: EgressRule): NetworkPolicySpec {
  const cidrs = rule.cidrs ?? (rule.cidr !== undefined ? [rule.cidr] : undefined);
  const peers = cidrs ? cidrs.map((cidr) => ({ ipBlock: { cidr } })) : [namespacePeer(rule.namespace as string, rule.podLabels)];
  const ports = portsOf(rule.ports);
  return {
    podSelector: ALL_PODS,
    policyTypes: ["Egress"],
    egress: [{ to: peers, ...(ports ? { ports } : {}) }],
  };
}

/** Allows ingress from one declared source namespace. */
export function ingressAllowSpec(rule: IngressRule): NetworkPolicySpec {
  const ports = portsOf(rule.ports);
  return {
    podSelector: ALL_PODS,
    policyTypes: ["Ingress"],
    ingress: [{ from: [namespacePeer(rule.namespace, rule.podLabels)], ...(ports ? { ports } : {}) }],
  };
}


/** A DNS-1123 label (namespace, object or rule name) of at most `max` characters: the shared definition. */
export const isDnsLabel = isDns1123Label;

function checkPorts(problems: Problems, property: string, ports: unknown): void {
  if (ports === undefined) return;
  if (!problems.check(Array.isArray(ports) && ports.length > 0, {
    property,
    value: ports,
    rule: "a non-empty list of { port, protocol? }",
    fix: `list the ports, or leave ${property} out to allow every port`,
  })) return;
  (ports as PortRule[]).forEach((p, i) => {
    problems.check(Number.isInteger(p?.port) && p.port >= 1 && p.port <= 65535, {
      property: `${property}[${i}].port`,
      value: p?.port,
      rule: "an integer from 1 to 65535",
      fix: "set the destination port number",
    });
    problems.check(p?.protocol === undefined || p.protocol === "TCP" || p.protocol === "UDP", {
      property: `${property}[${i}].protocol`,
      value: p?.protocol,
      rule: '"TCP" or "UDP"',
      fix: "set protocol to TCP or UDP (SCTP is not enabled on EKS)",
    });
  });
}

function checkRuleNames(problems: Problems, property: string, rules: readonly { name: string }[]): void {
  const seen = new Set<string>();
  rules.forEach((rule, i) => {
    // `allow-egress-` is 13 characters; object names must stay valid DNS labels.
    problems.check(isDnsLabel(rule?.name, 50), {
      property: `${property}[${i}].name`,
      value: rule?.name,
      rule: "a DNS label (lower-case letters, digits, '-') of at most 50 characters",
      fix: 'name the rule after its destination, e.g. "payments-db"',
    });
    problems.check(!seen.has(rule?.name), {
      property: `${property}[${i}].name`,
      value: rule?.name,
      rule: "a name not used by another rule in the list",
      fix: "give each rule its own name, or merge the two rules",
    });
    seen.add(rule?.name);
  });
}

/** Validates declared egress rules. */
export function checkEgressRules(problems: Problems, property: string, rules: readonly EgressRule[]): void {
  checkRuleNames(problems, property, rules);
  rules.forEach((rule, i) => {
    // A null entry (YAML `- ` with no value) is reported by checkRuleNames (its name is missing).
    if (rule === null || rule === undefined) return;
    const at = `${property}[${i}]`;
    const hasCidr = rule.cidr !== undefined || rule.cidrs !== undefined;
    const hasNamespace = rule.namespace !== undefined;
    if (!problems.check(hasCidr !== hasNamespace && !(rule.cidr !== undefined && rule.cidrs !== undefined), {
      property: at,
      value: rule,
      rule: "exactly one of cidr, cidrs and namespace",
      fix: "split the rule in two: one for the IP ranges and one for the namespace",
    })) return;
    if (hasCidr) {
      const list = rule.cidrs ?? [rule.cidr];
      const listProperty = rule.cidrs !== undefined ? `${at}.cidrs` : `${at}.cidr`;
      problems.check(list.length > 0, { property: listProperty, value: rule.cidrs, rule: "at least one CIDR", fix: "list the destination ranges or drop the rule" });
      list.forEach((cidr, j) => problems.check(parseCidr(cidr) !== undefined, {
        property: rule.cidrs !== undefined ? `${listProperty}[${j}]` : listProperty,
        value: cidr,
        rule: "an IPv4 CIDR block a.b.c.d/n",
        fix: 'write the range as a CIDR, e.g. "10.20.0.0/16"',
      }));
      problems.check(rule.ports !== undefined, {
        property: `${at}.ports`,
        value: rule.ports,
        rule: "a list of ports for a CIDR destination",
        fix: "name the ports the workload needs (e.g. [{ port: 443 }]); an IP range on every port is not least privilege",
      });
      problems.check(rule.podLabels === undefined, {
        property: `${at}.podLabels`,
        value: rule.podLabels,
        rule: "absent for a CIDR destination",
        fix: "remove podLabels, or use a namespace destination",
      });
    } else {
      problems.check(isDnsLabel(rule.namespace), {
        property: `${at}.namespace`,
        value: rule.namespace,
        rule: "a namespace name (DNS label)",
        fix: "set the destination namespace's name",
      });
      checkPodLabels(problems, `${at}.podLabels`, rule.podLabels);
    }
    checkPorts(problems, `${at}.ports`, rule.ports);
  });
}

/** Validates declared ingress rules. */
export function checkIngressRules(problems: Problems, property: string, rules: readonly IngressRule[]): void {
  checkRuleNames(problems, property, rules);
  rules.forEach((rule, i) => {
    // A null entry is reported by checkRuleNames (its name is missing).
    if (rule === null || rule === undefined) return;
    problems.check(isDnsLabel(rule.namespace), {
      property: `${property}[${i}].namespace`,
      value: rule.namespace,
      rule: "a namespace name (DNS label)",
      fix: "set the source namespace's name",
    });
    checkPodLabels(problems, `${property}[${i}].podLabels`, rule.podLabels);
    checkPorts(problems, `${property}[${i}].ports`, rule.ports);
  });
}

/** Pod labels of a namespace peer: unset, or an object of valid label keys and values (they become matchLabels). */
function checkPodLabels(problems: Problems, property: string, labels: unknown): void {
  if (labels === undefined) return;
  if (!isRecord(labels)) {
    problems.add({ property, value: labels, rule: "an object of pod labels { key: value }", fix: `write ${property} as e.g. { app: "gateway" }, or leave it out for every pod` });
    return;
  }
  for (const [key, value] of Object.entries(labels)) {
    problems.check(isLabelKey(key) && isLabelValue(value), {
      property: `${property}.${key}`,
      value,
      rule: "a valid Kubernetes label key and value (value ≤ 63 alphanumerics, '-', '_', '.')",
      fix: "use the pods' actual labels, e.g. { \"app.kubernetes.io/name\": \"gateway\" }",
    });
  }
}
