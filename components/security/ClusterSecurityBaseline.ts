/**
 * Per-cluster security baseline: Pod Security labels on the namespaces EKS owns, guarded namespaces for the
 * platform's add-ons, External Secrets Operator on AWS Secrets Manager, cert-manager, and scanned, immutable ECR
 * repositories.
 *
 * Control-plane audit logging is not here: the cluster component enables the `audit` log type on the EKS cluster.
 *
 * TLS: cert-manager (pinned Helm chart) issues in-cluster certificates (webhooks, mTLS, ACME for ingress). Set
 * `certManager: false` when every public endpoint terminates TLS on an ALB/NLB with an ACM certificate and nothing
 * in the cluster needs its own certificates; ACM certificates then live with the ingress/DNS components.
 *
 * `new ClusterSecurityBaseline(name, args, { providers: [awsProvider, cluster.provider] })`.
 */
import * as pulumi from "@pulumi/pulumi";
import { Environment, environmentProblems, environmentProfile, platformSecretPrefix } from "../shared/environment";
import { ImageMirror } from "../shared/mirror";
import { argsObjectProblems, checkExactChartVersion, checkInteger, checkOptionalBoolean, listField, Problem, Problems, throwIfProblems } from "../shared/validation";
import { checkKubernetesVersion } from "./psa";
import { checkQuotaFields, QuotaSettings } from "./quota";
import { ADDON_NAMESPACES } from "./systemNamespaces";
import { CLUSTER_SECRET_STORE_NAME } from "./clusterAddons";
import { BaselineContext, createAddonNamespaces, createEcrRepositories, installCertManager, installExternalSecrets, labelSystemNamespaces } from "./clusterBaselinePieces";

export interface ClusterSecurityBaselineArgs {
  /** EKS cluster name; tags the IAM roles created for the cluster. */
  readonly clusterName: pulumi.Input<string>;
  /** Cluster Kubernetes minor version, e.g. `"1.33"`; pins the PSA `-version` labels. */
  readonly kubernetesVersion: string;
  /** ARN of the cluster's IAM OIDC provider (IRSA for External Secrets). */
  readonly oidcProviderArn: pulumi.Input<string>;
  /** The cluster's OIDC issuer URL. */
  readonly oidcIssuer: pulumi.Input<string>;
  /** `dev` | `staging` | `prod`: the environment profile decides `protect` and the secret prefix. */
  readonly environment: Environment;
  /**
   * Secrets Manager name prefix the External Secrets controller may read. Never empty: that would be every secret
   * in the account and region. @default `platform/<environment>/`
   */
  readonly secretNamePrefix?: string;
  /** external-secrets chart version. @default CHARTS.externalSecrets.version (0.20.1) */
  readonly externalSecretsChartVersion?: string;
  /** Install cert-manager; `false` means TLS comes from ACM on the load balancers only. @default true */
  readonly certManager?: boolean;
  /** cert-manager chart version. @default CHARTS.certManager.version (v1.18.2) */
  readonly certManagerChartVersion?: string;
  /** Create the `monitoring` namespace (privileged, for node-exporter) for the monitoring stack. @default true */
  readonly monitoringNamespace?: boolean;
  /**
   * Quota of the `monitoring` namespace. Size it from the monitoring stack at the cluster's largest node count
   * (`monitoringFootprint`): its DaemonSets add a pod per node. @default ADDON_QUOTA (16 CPU / 64Gi of limits)
   */
  readonly monitoringQuota?: QuotaSettings;
  /**
   * ECR repositories the platform creates: scan on push, immutable tags, KMS-encrypted, lifecycle policy. Names
   * become `<stack>/<name>`. @default none
   */
  readonly ecrRepositories?: readonly string[];
  /** Days before untagged images expire. @default 14 */
  readonly ecrUntaggedImageDays?: number;
  /** Images kept per repository. @default 200 */
  readonly ecrKeepImages?: number;
  /** Protect add-on namespaces, ECR repositories and their key. @default true when environment is `prod` */
  readonly protect?: boolean;
  readonly tags?: Readonly<Record<string, string>>;
  /** The account's ECR pull-through cache in the cluster's region, which External Secrets and cert-manager pull through. @default none: public registries */
  readonly imageMirror?: ImageMirror;
}

const SECRET_PREFIX = /^[A-Za-z0-9/_+=.@-]+$/;
const ECR_NAME = /^[a-z0-9]+(?:[._-][a-z0-9]+)*(?:\/[a-z0-9]+(?:[._-][a-z0-9]+)*)*$/;

/** Every problem with the arguments (validation contract, docs/architecture.md); never throws. */
export function clusterSecurityBaselineProblems(args: ClusterSecurityBaselineArgs): Problem[] {
  const shape = argsObjectProblems(args, "ClusterSecurityBaseline");
  if (shape.length > 0) return shape;
  const problems = new Problems();
  checkKubernetesVersion(problems, "kubernetesVersion", args.kubernetesVersion);
  problems.addAll(environmentProblems(args.environment));
  if (args.secretNamePrefix !== undefined) {
    problems.check(typeof args.secretNamePrefix === "string" && SECRET_PREFIX.test(args.secretNamePrefix) && args.secretNamePrefix.length >= 3, {
      property: "secretNamePrefix",
      value: args.secretNamePrefix,
      rule: "a Secrets Manager name prefix of 3+ characters (letters, digits, /_+=.@-)",
      fix: 'use a path such as "platform/prod/"; an empty prefix would grant every secret',
    });
  }
  const seen = new Set<string>();
  listField(problems, "ecrRepositories", args.ecrRepositories).forEach((repo, i) => {
    problems.check(typeof repo === "string" && ECR_NAME.test(repo) && repo.length <= 200, {
      property: `ecrRepositories[${i}]`,
      value: repo,
      rule: "an ECR repository name: lower-case letters, digits, . _ - and / between parts, at most 200 characters",
      fix: 'name it like "payments/api"',
    });
    problems.check(!seen.has(repo), { property: `ecrRepositories[${i}]`, value: repo, rule: "listed once", fix: "remove the duplicate" });
    seen.add(repo);
  });
  if (args.ecrUntaggedImageDays !== undefined) checkInteger(problems, "ecrUntaggedImageDays", args.ecrUntaggedImageDays, 1, 365);
  if (args.ecrKeepImages !== undefined) checkInteger(problems, "ecrKeepImages", args.ecrKeepImages, 1, 10000);
  checkQuotaFields(problems, "monitoringQuota", args.monitoringQuota);
  for (const key of ["certManager", "monitoringNamespace", "protect"] as const) checkOptionalBoolean(problems, key, args[key]);
  checkExactChartVersion(problems, "externalSecretsChartVersion", args.externalSecretsChartVersion);
  checkExactChartVersion(problems, "certManagerChartVersion", args.certManagerChartVersion);
  return [...problems.list];
}

/** Throws every problem of the arguments as one ValidationError; what the constructor calls first. */
export function validateClusterSecurityBaselineArgs(name: string, args: ClusterSecurityBaselineArgs): void {
  throwIfProblems(`ClusterSecurityBaseline "${name}"`, clusterSecurityBaselineProblems(args));
}

export class ClusterSecurityBaseline extends pulumi.ComponentResource {
  /** IAM role the External Secrets controller assumes. */
  readonly externalSecretsRoleArn: pulumi.Output<string>;
  /** Name of the ClusterSecretStore tenants reference (`aws-secrets-manager`). */
  readonly clusterSecretStoreName: string;
  /** Add-on namespaces created, once they exist. */
  readonly addonNamespaces: pulumi.Output<string[]>;
  /** Repository URL per requested ECR repository name. */
  readonly ecrRepositoryUrls: pulumi.Output<Record<string, string>>;

  constructor(name: string, args: ClusterSecurityBaselineArgs, opts?: pulumi.ComponentResourceOptions) {
    validateClusterSecurityBaselineArgs(name, args);
    super("production-platform:security:ClusterSecurityBaseline", name, {}, opts);

    const protect = args.protect ?? environmentProfile(args.environment).protect;
    const prefix = args.secretNamePrefix ?? platformSecretPrefix(args.environment);
    const ctx: BaselineContext = { name, parent: this, args, protect, tags: { ...args.tags, environment: args.environment } };
    labelSystemNamespaces(ctx);
    const addonNamespaces = createAddonNamespaces(ctx);
    const esoRole = installExternalSecrets(ctx, prefix, addonNamespaces[ADDON_NAMESPACES.ExternalSecrets]);
    if (args.certManager ?? true) installCertManager(ctx, addonNamespaces[ADDON_NAMESPACES.CertManager]);
    const repositoryUrls = createEcrRepositories(ctx);

    this.externalSecretsRoleArn = esoRole.arn;
    this.clusterSecretStoreName = CLUSTER_SECRET_STORE_NAME;
    this.addonNamespaces = pulumi.all(Object.values(addonNamespaces));
    this.ecrRepositoryUrls = pulumi.all(repositoryUrls);
    this.registerOutputs({
      externalSecretsRoleArn: this.externalSecretsRoleArn,
      clusterSecretStoreName: this.clusterSecretStoreName,
      addonNamespaces: this.addonNamespaces,
      ecrRepositoryUrls: this.ecrRepositoryUrls,
    });
  }
}
