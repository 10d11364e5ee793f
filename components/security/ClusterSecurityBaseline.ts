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
import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import { ImageMirror, mirrored } from "../shared/mirror";
import { Problems, checkInteger } from "../shared/validation";
import { PodSecurityLevel, checkKubernetesVersion, psaLabels } from "./psa";
import { createNamespaceGuardrails } from "./namespaceGuardrails";
import { QuotaSettings, resolveLimits, resolveQuota } from "./quota";
import { ADDON_NAMESPACES, ADDON_NAMESPACE_LEVELS, SYSTEM_NAMESPACES } from "./systemNamespaces";
import { irsaRole } from "./iam";
import {
  ADDON_EGRESS,
  ADDON_LIMITS,
  ADDON_QUOTA,
  ADDON_CHART_IMAGES,
  CHARTS,
  CLUSTER_SECRET_STORE_API_VERSION,
  CLUSTER_SECRET_STORE_NAME,
  EXTERNAL_SECRETS_SERVICE_ACCOUNT,
  addonExtraPolicies,
  clusterSecretStoreSpec,
  ecrLifecyclePolicy,
  externalSecretsPolicy,
} from "./clusterAddons";

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

export function validateClusterSecurityBaselineArgs(args: ClusterSecurityBaselineArgs): Problems {
  const problems = new Problems();
  checkKubernetesVersion(problems, "kubernetesVersion", args.kubernetesVersion);
  problems.addAll(environmentProblems(args.environment));
  if (args.secretNamePrefix !== undefined) {
    problems.check(SECRET_PREFIX.test(args.secretNamePrefix) && args.secretNamePrefix.length >= 3, {
      property: "secretNamePrefix",
      value: args.secretNamePrefix,
      rule: "a Secrets Manager name prefix of 3+ characters (letters, digits, /_+=.@-)",
      fix: 'use a path such as "platform/prod/"; an empty prefix would grant every secret',
    });
  }
  const seen = new Set<string>();
  (args.ecrRepositories ?? []).forEach((repo, i) => {
    problems.check(ECR_NAME.test(repo) && repo.length <= 200, {
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
  for (const [property, value] of [
    ["externalSecretsChartVersion", args.externalSecretsChartVersion],
    ["certManagerChartVersion", args.certManagerChartVersion],
  ] as const) {
    if (value === undefined) continue;
    problems.check(/^v?\d+\.\d+\.\d+$/.test(value), {
      property,
      value,
      rule: "an exact chart version x.y.z",
      fix: "pin an exact version; ranges would let an add-on change without a code change",
    });
  }
  return problems;
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
    validateClusterSecurityBaselineArgs(args).throwIfAny(`ClusterSecurityBaseline "${name}"`);
    super("production-platform:security:ClusterSecurityBaseline", name, {}, opts);

    const protect = args.protect ?? environmentProfile(args.environment).protect;
    const prefix = args.secretNamePrefix ?? platformSecretPrefix(args.environment);
    const tags = { ...args.tags, environment: args.environment };

    // Namespaces EKS creates: labelled in place, with the guardrails that make sense for each.
    for (const sys of SYSTEM_NAMESPACES) {
      if (sys.name === "default") {
        createNamespaceGuardrails(
          `${name}-default`,
          {
            namespace: "default",
            existing: true,
            kubernetesVersion: args.kubernetesVersion,
            podSecurityLevel: sys.enforce,
            observe: { audit: sys.audit, warn: sys.warn },
            annotations: { "production-platform/pod-security-reason": sys.reason },
            allowSameNamespace: false,
            egress: [],
            ingress: [],
            // No pods at all; one Service, the API server's own `kubernetes` Service.
            quota: resolveQuota({ pods: 0, services: 1, persistentVolumeClaims: 0 }),
            limits: resolveLimits(),
            protect: false,
          },
          this,
        );
        continue;
      }
      // kube-system and friends: labels only. Network policies or quotas there would fight the EKS add-on manager.
      new k8s.core.v1.NamespacePatch(
        `${name}-${sys.name}-psa`,
        {
          metadata: {
            name: sys.name,
            labels: psaLabelsFor(sys.enforce, args.kubernetesVersion, sys.audit, sys.warn),
            annotations: { "pulumi.com/patchForce": "true", "production-platform/pod-security-reason": sys.reason },
          },
        },
        { parent: this },
      );
    }

    const addonNames: string[] = [ADDON_NAMESPACES.ExternalSecrets];
    if (args.certManager ?? true) addonNames.push(ADDON_NAMESPACES.CertManager);
    if (args.monitoringNamespace ?? true) addonNames.push(ADDON_NAMESPACES.Monitoring);
    const addonNamespaces: Record<string, pulumi.Output<string>> = {};
    for (const ns of addonNames) {
      const level = ADDON_NAMESPACE_LEVELS[ns];
      addonNamespaces[ns] = createNamespaceGuardrails(
        `${name}-${ns}`,
        {
          namespace: ns,
          kubernetesVersion: args.kubernetesVersion,
          podSecurityLevel: level.enforce,
          observe: { audit: level.audit, warn: level.warn },
          labels: { "production-platform/owner": "platform" },
          annotations: { "production-platform/pod-security-reason": level.reason },
          allowSameNamespace: true,
          egress: ADDON_EGRESS[ns] ?? [],
          ingress: [],
          extraPolicies: addonExtraPolicies(ns),
          quota: resolveQuota(ns === ADDON_NAMESPACES.Monitoring && args.monitoringQuota ? args.monitoringQuota : ADDON_QUOTA),
          limits: resolveLimits(ADDON_LIMITS),
          protect,
        },
        this,
      ).name;
    }

    // External Secrets Operator: IRSA role limited to one prefix, pinned chart, one ClusterSecretStore.
    const region = aws.getRegionOutput({}, { parent: this }).region;
    const accountId = aws.getCallerIdentityOutput({}, { parent: this }).accountId;
    const partition = aws.getPartitionOutput({}, { parent: this }).partition;
    const esoRole = irsaRole(
      `${name}-external-secrets-role`,
      {
        oidcProviderArn: args.oidcProviderArn,
        oidcIssuer: args.oidcIssuer,
        namespace: ADDON_NAMESPACES.ExternalSecrets,
        serviceAccount: EXTERNAL_SECRETS_SERVICE_ACCOUNT,
        description: `External Secrets Operator: read ${prefix}* secrets`,
        tags,
      },
      { parent: this },
    );
    new aws.iam.RolePolicy(
      `${name}-external-secrets-policy`,
      {
        role: esoRole.id,
        policy: pulumi
          .all([partition, region, accountId])
          .apply(([p, r, a]) => JSON.stringify(externalSecretsPolicy({ partition: p, region: r, accountId: a, prefix }))),
      },
      { parent: this },
    );
    const esoImages = mirrored({
      installCRDs: true,
      serviceAccount: {
        create: true,
        name: EXTERNAL_SECRETS_SERVICE_ACCOUNT,
        annotations: { "eks.amazonaws.com/role-arn": esoRole.arn },
      },
    }, ADDON_CHART_IMAGES.externalSecrets, args.imageMirror, `${name}-external-secrets`);
    const eso = new k8s.helm.v3.Release(
      `${name}-external-secrets`,
      {
        name: "external-secrets",
        chart: CHARTS.externalSecrets.chart,
        version: args.externalSecretsChartVersion ?? CHARTS.externalSecrets.version,
        repositoryOpts: { repo: CHARTS.externalSecrets.repo },
        namespace: addonNamespaces[ADDON_NAMESPACES.ExternalSecrets],
        createNamespace: false,
        atomic: true,
        values: esoImages.values,
      },
      { parent: this, dependsOn: esoImages.dependsOn },
    );
    new k8s.apiextensions.CustomResource(
      `${name}-cluster-secret-store`,
      {
        apiVersion: CLUSTER_SECRET_STORE_API_VERSION,
        kind: "ClusterSecretStore",
        // Cluster-scoped: a name and no namespace.
        metadata: { name: CLUSTER_SECRET_STORE_NAME },
        spec: region.apply((r) => clusterSecretStoreSpec(r)),
      },
      { parent: this, dependsOn: [eso] },
    );

    if (args.certManager ?? true) {
      const certManagerImages = mirrored({
        crds: { enabled: true, keep: true },
        // Leader election in its own namespace instead of kube-system: no Role for cert-manager in kube-system.
        global: { leaderElection: { namespace: ADDON_NAMESPACES.CertManager } },
      }, ADDON_CHART_IMAGES.certManager, args.imageMirror, `${name}-cert-manager`);
      new k8s.helm.v3.Release(
        `${name}-cert-manager`,
        {
          name: "cert-manager",
          chart: CHARTS.certManager.chart,
          version: args.certManagerChartVersion ?? CHARTS.certManager.version,
          repositoryOpts: { repo: CHARTS.certManager.repo },
          namespace: addonNamespaces[ADDON_NAMESPACES.CertManager],
          createNamespace: false,
          atomic: true,
          values: certManagerImages.values,
        },
        { parent: this, dependsOn: certManagerImages.dependsOn },
      );
    }

    const repositoryUrls: Record<string, pulumi.Output<string>> = {};
    const repos = args.ecrRepositories ?? [];
    if (repos.length > 0) {
      const key = new aws.kms.Key(
        `${name}-ecr-key`,
        { description: `ECR image encryption (${args.environment})`, enableKeyRotation: true, deletionWindowInDays: 30, tags },
        { parent: this, protect },
      );
      const lifecycle = JSON.stringify(ecrLifecyclePolicy(args.ecrUntaggedImageDays ?? 14, args.ecrKeepImages ?? 200));
      for (const repo of repos) {
        const childName = `${name}-ecr-${repo.replace(/[/.]/g, "-")}`;
        const repository = new aws.ecr.Repository(
          childName,
          {
            name: `${pulumi.getStack().toLowerCase().replace(/[^a-z0-9._-]/g, "-")}/${repo}`,
            imageTagMutability: "IMMUTABLE",
            imageScanningConfiguration: { scanOnPush: true },
            encryptionConfigurations: [{ encryptionType: "KMS", kmsKey: key.arn }],
            forceDelete: false,
            tags,
          },
          { parent: this, protect },
        );
        new aws.ecr.LifecyclePolicy(`${childName}-lifecycle`, { repository: repository.name, policy: lifecycle }, { parent: this });
        repositoryUrls[repo] = repository.repositoryUrl;
      }
    }

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

function psaLabelsFor(enforce: PodSecurityLevel, version: string, audit: PodSecurityLevel, warn: PodSecurityLevel): Record<string, string> {
  return psaLabels(enforce, version, { audit, warn });
}
