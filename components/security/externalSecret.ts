/**
 * ExternalSecret objects that copy one Secrets Manager secret into a Kubernetes Secret through the cluster's
 * `aws-secrets-manager` ClusterSecretStore (which serves only namespaces labelled for it, and whose IRSA role reads
 * only the platform prefix).
 */
import { CLUSTER_SECRET_STORE_API_VERSION, CLUSTER_SECRET_STORE_NAME } from "./clusterAddons";

export interface ExternalSecretSpecArgs {
  /** Name of the Kubernetes Secret to create in the ExternalSecret's namespace. */
  readonly targetSecretName: string;
  /** Secrets Manager secret name (a JSON secret: every key becomes a key of the Kubernetes Secret). */
  readonly secretsManagerName: string;
  /** @default 1h: picks up a rotated password within the hour */
  readonly refreshInterval?: string;
}

export const EXTERNAL_SECRET_API_VERSION = CLUSTER_SECRET_STORE_API_VERSION;

/** The `spec` of an ExternalSecret that extracts every key of a JSON secret into a Secret the ExternalSecret owns. */
export function externalSecretSpec(args: ExternalSecretSpecArgs): Record<string, unknown> {
  return {
    refreshInterval: args.refreshInterval ?? "1h",
    secretStoreRef: { kind: "ClusterSecretStore", name: CLUSTER_SECRET_STORE_NAME },
    target: { name: args.targetSecretName, creationPolicy: "Owner" },
    dataFrom: [{ extract: { key: args.secretsManagerName } }],
  };
}
