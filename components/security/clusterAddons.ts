/**
 * Pure pieces of the ClusterSecurityBaseline: pinned chart versions, add-on namespace network allows, the External
 * Secrets IAM policy, the ClusterSecretStore spec and the ECR lifecycle policy.
 */
import * as k8s from "@pulumi/kubernetes";
import { EgressRule } from "./networkPolicies";
import { LimitSettings, QuotaSettings } from "./quota";
import { ADDON_NAMESPACES, EXTERNAL_SECRETS_ACCESS_LABEL } from "./systemNamespaces";
import { ChartImages, mirrorImage } from "../shared/mirror";

/** Chart versions are pinned: an add-on changes only when this file changes. */
export const CHARTS = {
  /** external-secrets 0.20.x serves the `external-secrets.io/v1` API (v1beta1 stopped being served in 0.17). */
  externalSecrets: { chart: "external-secrets", repo: "https://charts.external-secrets.io", version: "0.20.1" },
  /** cert-manager 1.18 installs its CRDs with `crds.enabled` (the older `installCRDs` is deprecated). */
  certManager: { chart: "cert-manager", repo: "https://charts.jetstack.io", version: "v1.18.2" },
} as const;

/**
 * Images of the pinned add-on charts.
 * external-secrets 0.20.1 (external-secrets/external-secrets deploy/charts/external-secrets/values.yaml): `image`,
 * `webhook.image` and `certController.image` `.repository`, each ghcr.io/external-secrets/external-secrets.
 * cert-manager v1.18.2 (cert-manager/cert-manager deploy/charts/cert-manager/values.yaml): `image`, `webhook.image`,
 * `cainjector.image`, `acmesolver.image` and `startupapicheck.image` `.repository`, quay.io/jetstack/cert-manager-<part>
 * (a full repository works whether or not the chart's optional `registry` key is set).
 */
export const ADDON_CHART_IMAGES = {
  externalSecrets: {
    upstreams: ["github-container-registry"],
    values: (m) => {
      const image = { repository: mirrorImage(m, "ghcr.io/external-secrets/external-secrets") };
      return { image, webhook: { image }, certController: { image } };
    },
  },
  certManager: {
    upstreams: ["quay"],
    values: (m) => {
      const image = (part: string) => ({ repository: mirrorImage(m, `quay.io/jetstack/cert-manager-${part}`) });
      return { image: image("controller"), webhook: { image: image("webhook") }, cainjector: { image: image("cainjector") }, acmesolver: { image: image("acmesolver") }, startupapicheck: { image: image("startupapicheck") } };
    },
  },
} as const satisfies Record<string, ChartImages>;

export const EXTERNAL_SECRETS_SERVICE_ACCOUNT = "external-secrets";
export const CLUSTER_SECRET_STORE_NAME = "aws-secrets-manager";
export const CLUSTER_SECRET_STORE_API_VERSION = "external-secrets.io/v1";

/** Add-on namespaces hold controllers, not apps: more headroom per container, same shape as a tenant's caps. */
export const ADDON_QUOTA: QuotaSettings = {
  requestsCpu: "8",
  requestsMemory: "32Gi",
  limitsCpu: "16",
  limitsMemory: "64Gi",
  pods: 100,
  services: 30,
  loadBalancers: 0,
  nodePorts: 0,
  persistentVolumeClaims: 10,
  requestsStorage: "500Gi",
};
export const ADDON_LIMITS: LimitSettings = { maxCpu: "4", maxMemory: "16Gi" };

/** Admission webhooks are called by the EKS control plane from ENIs in the VPC: no pod or namespace to select. */
export function webhookIngressSpec(port: number): k8s.types.input.networking.v1.NetworkPolicySpec {
  return {
    podSelector: {},
    policyTypes: ["Ingress"],
    ingress: [{ from: [{ ipBlock: { cidr: "0.0.0.0/0" } }], ports: [{ protocol: "TCP", port }] }],
  };
}

/** Egress the add-ons need beyond DNS, with the reason for each. */
export const ADDON_EGRESS: Readonly<Record<string, readonly EgressRule[]>> = {
  // AWS APIs (Secrets Manager, STS) and the Kubernetes API server, all HTTPS.
  [ADDON_NAMESPACES.ExternalSecrets]: [{ name: "https", cidr: "0.0.0.0/0", ports: [{ port: 443 }] }],
  // ACME directory over HTTPS and the API server; HTTP-01 self-checks on 80; DNS-01 propagation checks query
  // authoritative name servers directly on 53.
  [ADDON_NAMESPACES.CertManager]: [
    { name: "https", cidr: "0.0.0.0/0", ports: [{ port: 443 }, { port: 80 }] },
    { name: "authoritative-dns", cidr: "0.0.0.0/0", ports: [{ port: 53, protocol: "UDP" }, { port: 53, protocol: "TCP" }] },
  ],
  // Prometheus scrapes every namespace, node-exporter (9100, host network) and kubelets (10250), and reaches the
  // API server (443) for service discovery.
  // API server (443) for service discovery. Pods in every namespace: see `addonExtraPolicies`.
  [ADDON_NAMESPACES.Monitoring]: [{ name: "nodes", cidr: "0.0.0.0/0", ports: [{ port: 443 }, { port: 9100 }, { port: 10250 }] }],
};

/** Webhook port per add-on namespace (both charts serve their webhook on 10250 by default). */
export const ADDON_WEBHOOK_PORTS: Readonly<Record<string, number>> = {
  [ADDON_NAMESPACES.ExternalSecrets]: 10250,
  [ADDON_NAMESPACES.CertManager]: 10250,
};

/** Allows the egress/ingress rule types cannot express, per add-on namespace. */
export function addonExtraPolicies(namespace: string): { name: string; spec: k8s.types.input.networking.v1.NetworkPolicySpec }[] {
  const port = ADDON_WEBHOOK_PORTS[namespace];
  if (port !== undefined) return [{ name: "allow-ingress-webhook", spec: webhookIngressSpec(port) }];
  if (namespace === ADDON_NAMESPACES.Monitoring) {
    // Scraping needs every namespace; the tenants' own policies decide whether they accept it.
    return [{ name: "allow-egress-all-namespaces", spec: { podSelector: {}, policyTypes: ["Egress"], egress: [{ to: [{ namespaceSelector: {} }] }] } }];
  }
  return [];
}

/**
 * Least-privilege policy for the External Secrets controller: read (not list, not write) secrets under one name
 * prefix, and decrypt them only through Secrets Manager.
 */
export function externalSecretsPolicy(p: { partition: string; region: string; accountId: string; prefix: string }): Record<string, unknown> {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "ReadPlatformSecrets",
        Effect: "Allow",
        Action: ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"],
        Resource: `arn:${p.partition}:secretsmanager:${p.region}:${p.accountId}:secret:${p.prefix}*`,
      },
      {
        Sid: "DecryptThroughSecretsManager",
        Effect: "Allow",
        Action: "kms:Decrypt",
        Resource: `arn:${p.partition}:kms:${p.region}:${p.accountId}:key/*`,
        Condition: { StringEquals: { "kms:ViaService": `secretsmanager.${p.region}.amazonaws.com` } },
      },
    ],
  };
}

/**
 * The ClusterSecretStore spec: IRSA through the controller's own service account, usable only from namespaces that
 * opted in with the access label (a Tenant with `externalSecrets: true`), so that one team cannot read another's
 * secrets by naming them in an ExternalSecret.
 */
export function clusterSecretStoreSpec(region: string): Record<string, unknown> {
  return {
    provider: {
      aws: {
        service: "SecretsManager",
        region,
        auth: { jwt: { serviceAccountRef: { name: EXTERNAL_SECRETS_SERVICE_ACCOUNT, namespace: ADDON_NAMESPACES.ExternalSecrets } } },
      },
    },
    conditions: [{ namespaceSelector: { matchLabels: { [EXTERNAL_SECRETS_ACCESS_LABEL]: "true" } } }],
  };
}

/** ECR lifecycle: drop untagged images after `untaggedDays`, keep at most `keep` images in total. */
export function ecrLifecyclePolicy(untaggedDays: number, keep: number): Record<string, unknown> {
  return {
    rules: [
      {
        rulePriority: 1,
        description: `Expire untagged images after ${untaggedDays} days`,
        selection: { tagStatus: "untagged", countType: "sinceImagePushed", countUnit: "days", countNumber: untaggedDays },
        action: { type: "expire" },
      },
      {
        rulePriority: 2,
        description: `Keep the newest ${keep} images`,
        selection: { tagStatus: "any", countType: "imageCountMoreThan", countNumber: keep },
        action: { type: "expire" },
      },
    ],
  };
}
