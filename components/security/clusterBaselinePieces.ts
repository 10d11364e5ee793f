/**
 * The pieces of a ClusterSecurityBaseline, one function each, in the order the component creates them: the
 * namespaces EKS owns (labelled in place), the platform's add-on namespaces, External Secrets, cert-manager and the
 * ECR repositories. Child names are the component's own (`<name>-…`): moving a piece here renames nothing.
 */
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import { PodSecurityLevel, psaLabels } from "./psa";
import { createNamespaceGuardrails } from "./namespaceGuardrails";
import { resolveLimits, resolveQuota } from "./quota";
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
import { mirrored } from "../shared/mirror";
import type { ClusterSecurityBaselineArgs } from "./ClusterSecurityBaseline";

/** What every piece needs: the component (parent and name prefix), its arguments and the choices resolved once. */
export interface BaselineContext {
  readonly name: string;
  readonly parent: pulumi.ComponentResource;
  readonly args: ClusterSecurityBaselineArgs;
  readonly protect: boolean;
  readonly tags: Record<string, string>;
}

/**
 * Namespaces EKS creates: labelled in place, with the guardrails that make sense for each (`default` gets no pods
 * at all; kube-system and friends get labels only).
 */
export function labelSystemNamespaces(ctx: BaselineContext): void {
  const { name, args, parent: self } = ctx;
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
        self,
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
      { parent: self },
    );
  }
}

/** The platform's add-on namespaces (external-secrets; cert-manager and monitoring unless turned off), guarded. */
export function createAddonNamespaces(ctx: BaselineContext): Record<string, pulumi.Output<string>> {
  const { name, args, parent: self, protect } = ctx;
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
      self,
    ).name;
  }
  return addonNamespaces;
}

/** External Secrets Operator: an IRSA role limited to one secret prefix, the pinned chart, one ClusterSecretStore. */
export function installExternalSecrets(ctx: BaselineContext, prefix: string, namespace: pulumi.Input<string>): aws.iam.Role {
  const { name, args, parent: self, tags } = ctx;
  // External Secrets Operator: IRSA role limited to one prefix, pinned chart, one ClusterSecretStore.
  const region = aws.getRegionOutput({}, { parent: self }).region;
  const accountId = aws.getCallerIdentityOutput({}, { parent: self }).accountId;
  const partition = aws.getPartitionOutput({}, { parent: self }).partition;
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
    { parent: self },
  );
  new aws.iam.RolePolicy(
    `${name}-external-secrets-policy`,
    {
      role: esoRole.id,
      policy: pulumi
        .all([partition, region, accountId])
        .apply(([p, r, a]) => JSON.stringify(externalSecretsPolicy({ partition: p, region: r, accountId: a, prefix }))),
    },
    { parent: self },
  );
  const eso = installPinnedChart(ctx, "externalSecrets", args.externalSecretsChartVersion, namespace, {
    installCRDs: true,
    serviceAccount: {
      create: true,
      name: EXTERNAL_SECRETS_SERVICE_ACCOUNT,
      annotations: { "eks.amazonaws.com/role-arn": esoRole.arn },
    },
  });
  new k8s.apiextensions.CustomResource(
    `${name}-cluster-secret-store`,
    {
      apiVersion: CLUSTER_SECRET_STORE_API_VERSION,
      kind: "ClusterSecretStore",
      // Cluster-scoped: a name and no namespace.
      metadata: { name: CLUSTER_SECRET_STORE_NAME },
      spec: region.apply((r) => clusterSecretStoreSpec(r)),
    },
    { parent: self, dependsOn: [eso] },
  );

  return esoRole;
}

/** cert-manager from its pinned chart, when asked for (the default). */
export function installCertManager(ctx: BaselineContext, namespace: pulumi.Input<string> | undefined): void {
  if (!(ctx.args.certManager ?? true)) return;
  installPinnedChart(ctx, "certManager", ctx.args.certManagerChartVersion, namespace, {
    crds: { enabled: true, keep: true },
    // Leader election in its own namespace instead of kube-system: no Role for cert-manager in kube-system.
    global: { leaderElection: { namespace: ADDON_NAMESPACES.CertManager } },
  });
}

/**
 * One add-on chart at its pinned version (or the caller's override), its images through the account's pull-through
 * cache when a mirror is given and the release depending on the cache rules it pulls through. The child and the
 * Helm release are both named after the chart.
 */
function installPinnedChart(ctx: BaselineContext, key: keyof typeof CHARTS & keyof typeof ADDON_CHART_IMAGES, version: string | undefined, namespace: pulumi.Input<string> | undefined, values: Record<string, unknown>): k8s.helm.v3.Release {
  const { name, args, parent } = ctx;
  const chart = CHARTS[key];
  const images = mirrored(values, ADDON_CHART_IMAGES[key], args.imageMirror, `${name}-${chart.chart}`);
  return new k8s.helm.v3.Release(
    `${name}-${chart.chart}`,
    {
      name: chart.chart,
      chart: chart.chart,
      version: version ?? chart.version,
      repositoryOpts: { repo: chart.repo },
      namespace,
      createNamespace: false,
      atomic: true,
      values: images.values,
    },
    { parent, dependsOn: images.dependsOn },
  );
}

/** The requested ECR repositories (immutable tags, scan on push, one KMS key, a lifecycle each); URL per name. */
export function createEcrRepositories(ctx: BaselineContext): Record<string, pulumi.Output<string>> {
  const { name, args, parent: self, protect, tags } = ctx;
  const repositoryUrls: Record<string, pulumi.Output<string>> = {};
  const repos = args.ecrRepositories ?? [];
  if (repos.length > 0) {
    const key = new aws.kms.Key(
      `${name}-ecr-key`,
      { description: `ECR image encryption (${args.environment})`, enableKeyRotation: true, deletionWindowInDays: 30, tags },
      { parent: self, protect },
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
        { parent: self, protect },
      );
      new aws.ecr.LifecyclePolicy(`${childName}-lifecycle`, { repository: repository.name, policy: lifecycle }, { parent: self });
      repositoryUrls[repo] = repository.repositoryUrl;
    }
  }

  return repositoryUrls;
}

function psaLabelsFor(enforce: PodSecurityLevel, version: string, audit: PodSecurityLevel, warn: PodSecurityLevel): Record<string, string> {
  return psaLabels(enforce, version, { audit, warn });
}
