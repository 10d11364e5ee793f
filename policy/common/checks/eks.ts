/**
 * EKS control-plane checks shared by the CIS EKS pack (2.1.1, 5.3.1, 5.4.x) and the AWS baseline pack (FSBP EKS.x):
 * one implementation, two control mappings. Each returns the problem as a sentence fragment, or `undefined`.
 */
import type { Subject } from "../finding";
import { arrayOf, boolOf, isSet, isUnknown, objectOf } from "../unknown";

export const EKS_CLUSTER = "aws:eks/cluster:Cluster";

/** Control-plane log types CIS EKS 2.1.1 wants on (audit at least; all five for full coverage). */
export const EKS_LOG_TYPES = ["api", "audit", "authenticator", "controllerManager", "scheduler"] as const;

/** Log types missing from `enabledClusterLogTypes` (none when the list is unknown). */
export function missingLogTypes(cluster: Subject, required: readonly string[] = EKS_LOG_TYPES): string[] {
  const value = cluster.props.enabledClusterLogTypes;
  if (isUnknown(value)) return [];
  const enabled = arrayOf(value);
  if (enabled.some(isUnknown)) return [];
  return required.filter((t) => !enabled.includes(t));
}

/** True unless secrets envelope encryption with a KMS key is configured (unknown counts as configured). */
export function secretsNotEncrypted(cluster: Subject): boolean {
  const raw = cluster.props.encryptionConfig;
  if (isUnknown(raw)) return false;
  // The provider models it as one block; older programs pass a one-element list.
  const configs = Array.isArray(raw) ? raw : raw === undefined || raw === null ? [] : [raw];
  return !configs.some((c) => {
    const cfg = objectOf(c);
    if (!cfg) return isUnknown(c);
    const resources = cfg.resources;
    const coversSecrets = isUnknown(resources) || arrayOf(resources).some((r) => r === "secrets" || isUnknown(r));
    const provider = objectOf(cfg.provider);
    const keySet = isUnknown(cfg.provider) || (provider !== undefined && isSet(provider.keyArn));
    return coversSecrets && keySet;
  });
}

export interface EndpointAccess {
  /** `endpointPublicAccess` (AWS default: true). */
  readonly publicAccess: boolean | "unknown";
  /** `endpointPrivateAccess` (AWS default: false). */
  readonly privateAccess: boolean | "unknown";
  /** `publicAccessCidrs` (AWS default: 0.0.0.0/0); "unknown" when not known. */
  readonly publicCidrs: readonly string[] | "unknown";
}

export function endpointAccess(cluster: Subject): EndpointAccess {
  const vpc = objectOf(cluster.props.vpcConfig);
  if (isUnknown(cluster.props.vpcConfig)) return { publicAccess: "unknown", privateAccess: "unknown", publicCidrs: "unknown" };
  const pub = boolOf(vpc?.endpointPublicAccess);
  const priv = boolOf(vpc?.endpointPrivateAccess);
  const cidrsRaw = vpc?.publicAccessCidrs;
  const cidrs = isUnknown(cidrsRaw) || arrayOf(cidrsRaw).some(isUnknown) ? "unknown" : cidrsRaw === undefined || cidrsRaw === null ? ["0.0.0.0/0"] : (arrayOf(cidrsRaw) as string[]);
  return { publicAccess: pub ?? true, privateAccess: priv ?? false, publicCidrs: cidrs };
}

/** True when the API endpoint is reachable from anywhere on the internet. */
export function endpointOpenToInternet(cluster: Subject): boolean {
  const a = endpointAccess(cluster);
  return a.publicAccess === true && a.publicCidrs !== "unknown" && a.publicCidrs.some((c) => c === "0.0.0.0/0" || c === "::/0");
}
