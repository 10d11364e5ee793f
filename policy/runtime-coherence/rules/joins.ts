/**
 * How this pack joins resources. The engine sends every resource with its provider; what a resource acts on is
 * decided by that provider, not by names:
 * - Kubernetes objects belong to the cluster of their Kubernetes provider (its URN). Two clusters in one program
 *   never mix, even when namespaces and names repeat. A provider is tied to its EKS cluster through the engine's
 *   dependencies (the kubeconfig was computed from the cluster) or, failing that, the cluster name in the kubeconfig.
 * - AWS resources belong to the account and region of their AWS provider (`region`, `allowedAccountIds`,
 *   `assumeRole.roleArn`, `profile`). A resource on the default provider is joined under "default provider" and
 *   says so: its region comes from the `aws:region` stack config, which a policy cannot see.
 */
import type { Subject } from "../../common/finding";
import { isUnknown, objectOf } from "../../common/unknown";
import { groupBy } from "../../common/stack";

export const K8S_PROVIDER = "pulumi:providers:kubernetes";
export const AWS_PROVIDER = "pulumi:providers:aws";
export const EKS_CLUSTER = "aws:eks/cluster:Cluster";

/** The cluster a Kubernetes object is applied to. */
export interface ClusterScope {
  /** Provider URN, or `default` for the default Kubernetes provider (ambient kubeconfig). */
  readonly key: string;
  /** For messages: `cluster use1-k8s (EKS production-platform-prod-use1)`. */
  readonly label: string;
  readonly provider?: Subject;
  /** The EKS cluster the provider talks to, when the program defines it and the join is unambiguous. */
  readonly eks?: Subject;
}

/** The account and region an AWS resource is created in. */
export interface AwsScope {
  readonly key: string;
  readonly account: string;
  readonly region: string;
  /** Set when the join is a guess the user should know about (default provider, unknown region). */
  readonly note?: string;
}

const isDefaultProvider = (p: { name: string; urn: string } | undefined): boolean => !p || /^default(_|$)/.test(p.name);

/** A JSON-encoded provider input (the engine sends nested provider config as JSON strings) or the object itself. */
function decoded(value: unknown): unknown {
  if (typeof value !== "string" || isUnknown(value)) return value;
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}

function accountOf(props: Record<string, unknown>): string {
  const allowed = decoded(props.allowedAccountIds);
  if (Array.isArray(allowed) && allowed.length === 1 && typeof allowed[0] === "string" && !isUnknown(allowed[0])) return allowed[0];
  const assume = objectOf(decoded(props.assumeRole)) ?? objectOf(decoded(props.assumeRoles));
  const roleArn = assume?.roleArn;
  const fromArn = typeof roleArn === "string" ? /^arn:aws[\w-]*:iam::(\d{12}):/.exec(roleArn)?.[1] : undefined;
  if (fromArn) return fromArn;
  if (typeof props.profile === "string" && props.profile !== "" && !isUnknown(props.profile)) return `profile ${props.profile}`;
  return "the deploying credentials' account";
}

/** Account/region of an AWS resource, from its provider (mirrors the AWS provider's region/account resolution). */
export function awsScopeOf(subject: Subject): AwsScope {
  const provider = subject.provider?.type === AWS_PROVIDER ? subject.provider : undefined;
  const props = provider?.props ?? {};
  const region = typeof props.region === "string" && !isUnknown(props.region) && props.region !== "" ? props.region : "unknown region";
  const account = accountOf(props);
  let note: string | undefined;
  if (isDefaultProvider(provider)) note = "it uses the default AWS provider, so its region is the aws:region stack config";
  else if (region === "unknown region") note = `AWS provider ${provider?.name} has no known region yet`;
  return { key: `${account}|${region}`, account, region, note };
}

/** Every Kubernetes provider and EKS cluster of the program, to place objects in clusters. */
export class ClusterIndex {
  private readonly byUrn = new Map<string, Subject>();
  private readonly eksClusters: Subject[];
  private readonly scopes = new Map<string, ClusterScope>();

  constructor(resources: readonly Subject[]) {
    for (const r of resources) this.byUrn.set(r.urn, r);
    this.eksClusters = resources.filter((r) => r.type === EKS_CLUSTER);
  }

  /** The cluster a Kubernetes object (or Helm release) is applied to. */
  clusterOf(subject: Subject): ClusterScope {
    const p = subject.provider?.type === K8S_PROVIDER && !isDefaultProvider(subject.provider) ? subject.provider : undefined;
    const key = p?.urn ?? "default";
    let scope = this.scopes.get(key);
    if (!scope) {
      const provider = p ? (this.byUrn.get(p.urn) ?? (p as Subject)) : undefined;
      const eks = provider ? this.eksOfProvider(provider) : undefined;
      const name = provider ? provider.name : "the default Kubernetes provider's cluster";
      const eksName = eks ? eksNameOf(eks) : undefined;
      scope = { key, label: `cluster ${name}${eksName ? ` (EKS ${eksName})` : ""}`, provider, eks };
      this.scopes.set(key, scope);
    }
    return scope;
  }

  /** Kubernetes providers of the program by the URN of the EKS cluster they talk to (one pass over the stack). */
  providersByCluster(resources: readonly Subject[]): Map<string, Subject[]> {
    const bound = resources.flatMap((r) => {
      const eks = r.type === K8S_PROVIDER ? this.eksOfProvider(r) : undefined;
      return eks ? [{ provider: r, eks: eks.urn }] : [];
    });
    return new Map([...groupBy(bound, (b) => b.eks)].map(([urn, list]) => [urn, list.map((b) => b.provider)]));
  }

  /** Mirrors how the kubeconfig binds a provider: computed from one cluster's outputs, or naming it. */
  private eksOfProvider(provider: Subject): Subject | undefined {
    const deps = new Set([...(provider.propertyDependencies?.kubeconfig ?? []), ...(provider.dependencies ?? [])]);
    const byDep = this.eksClusters.filter((c) => deps.has(c.urn));
    const raw = provider.props.kubeconfig;
    const text = typeof raw === "string" ? raw : raw && typeof raw === "object" ? JSON.stringify(raw) : "";
    const named = (list: Subject[]) => list.filter((c) => {
      const n = eksNameOf(c);
      return n !== undefined && text.includes(n);
    });
    if (byDep.length === 1) return byDep[0];
    const candidates = named(byDep.length > 1 ? byDep : this.eksClusters);
    return candidates.length === 1 ? candidates[0] : undefined;
  }
}

/** The EKS cluster's name (input or output), when known. */
export function eksNameOf(eks: Subject): string | undefined {
  const n = eks.props.name;
  return typeof n === "string" && n !== "" && !isUnknown(n) ? n : undefined;
}

export { groupBy } from "../../common/stack";
