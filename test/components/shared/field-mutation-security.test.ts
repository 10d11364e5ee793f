/**
 * Field-level mutations of valid arguments (test/support/field-mutation.ts) for the security components: Tenant,
 * the account and cluster baselines and SecretRotation. pulumi.Input values (cluster name, OIDC provider and issuer,
 * secret and Lambda ARNs) are passed through to the resources un-judged.
 */
import { Case, describeFieldMutations } from "../../support/field-mutation";
import { tenantProblems } from "../../../components/security/Tenant";
import { accountSecurityBaselineProblems } from "../../../components/security/AccountSecurityBaseline";
import { clusterSecurityBaselineProblems } from "../../../components/security/ClusterSecurityBaseline";
import { secretRotationProblems } from "../../../components/security/SecretRotation";

const OIDC_ARN = "arn:aws:iam::123456789012:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/ABC123";
const ISSUER = "https://oidc.eks.eu-west-1.amazonaws.com/id/ABC123";
const SECRET = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:db-master-AbCdEf";

const cases: Record<string, Case> = {
  tenantProblems: {
    fn: tenantProblems,
    example: {
      tenant: "payments",
      namespaces: ["payments", "payments-batch"],
      environment: "prod",
      kubernetesVersion: "1.33",
      podSecurityLevel: "baseline",
      podSecurityReason: "the ledger sidecar needs NET_BIND_SERVICE",
      clusterName: "euw1-cluster",
      teamRoleArns: ["arn:aws:iam::123456789012:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_Payments_abc"],
      allowSecretsRead: false,
      allowPodExec: false,
      allowSameNamespace: true,
      externalSecrets: true,
      egress: [{ name: "aurora", cidr: "10.20.0.0/16", ports: [{ port: 5432 }] }],
      ingress: [{ name: "gateway", namespace: "ingress", podLabels: { app: "gateway" }, ports: [{ port: 8080 }] }],
      quota: { requestsCpu: "8", requestsMemory: "16Gi", limitsCpu: "16", limitsMemory: "32Gi", pods: 50, services: 10, loadBalancers: 0 },
      workloads: [{ name: "api", peakPods: 6, requests: { cpu: "250m", memory: "256Mi" }, limits: { cpu: "500m", memory: "512Mi" } }],
      limits: { defaultCpu: "500m", defaultMemory: "512Mi", defaultRequestCpu: "100m", defaultRequestMemory: "128Mi", maxCpu: "2", maxMemory: "4Gi" },
      kms: true,
      serviceAccounts: [{ name: "ledger", namespace: "payments", policies: [{ name: "s3-read", policyArn: "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess" }] }],
      oidcProviderArn: OIDC_ARN,
      oidcIssuer: ISSUER,
    },
    // A policy ARN may be an output (an object), so only its presence and primitive kind are judged.
    opaque: [/^(clusterName|oidcProviderArn|oidcIssuer)$/, /^serviceAccounts\[\d+\]\.policies\[\d+\]\.policyArn$/],
    optional: [
      /^(namespaces|podSecurityLevel|podSecurityReason|teamRoleArns|allowSecretsRead|allowPodExec|allowSameNamespace|externalSecrets|egress|ingress|quota|workloads|limits|kms|serviceAccounts)$/,
      /^(quota|limits)\.\w+$/,
      /^(egress|ingress)\[\d+\]\.(cidr|podLabels|ports)$/,
      /^serviceAccounts\[\d+\]\.(namespace|policies)$/,
    ],
  },
  accountSecurityBaselineProblems: {
    fn: accountSecurityBaselineProblems,
    example: {
      region: "eu-west-1",
      environment: "prod",
      primary: true,
      awsConfig: true,
      runtimeMonitoring: true,
      trailLogRetentionDays: 365,
      archiveAfterDays: 90,
      expireAfterDays: 2555,
      protect: true,
    },
    optional: [/^(awsConfig|runtimeMonitoring|trailLogRetentionDays|archiveAfterDays|expireAfterDays|protect)$/],
  },
  clusterSecurityBaselineProblems: {
    fn: clusterSecurityBaselineProblems,
    example: {
      clusterName: "use1-cluster",
      kubernetesVersion: "1.33",
      oidcProviderArn: "arn:aws:iam::123456789012:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/XYZ",
      oidcIssuer: "https://oidc.eks.us-east-1.amazonaws.com/id/XYZ",
      environment: "prod",
      secretNamePrefix: "platform/prod/",
      externalSecretsChartVersion: "0.20.4",
      certManager: true,
      certManagerChartVersion: "v1.18.2",
      monitoringNamespace: true,
      monitoringQuota: { requestsCpu: "8", requestsMemory: "16Gi", limitsCpu: "16", limitsMemory: "32Gi", pods: 50 },
      ecrRepositories: ["payments/api"],
      ecrUntaggedImageDays: 7,
      ecrKeepImages: 50,
      protect: true,
    },
    opaque: [/^(clusterName|oidcProviderArn|oidcIssuer)$/],
    optional: [
      /^(secretNamePrefix|externalSecretsChartVersion|certManager|certManagerChartVersion|monitoringNamespace|monitoringQuota|ecrRepositories|ecrUntaggedImageDays|ecrKeepImages|protect)$/,
      /^monitoringQuota\.\w+$/,
    ],
  },
  secretRotationProblems: {
    fn: secretRotationProblems,
    example: { secretArn: SECRET, rotationLambdaArn: "arn:aws:lambda:eu-west-1:123456789012:function:rotate", automaticallyAfterDays: 30, windowHours: 4, rotateImmediately: false },
    opaque: [/^(secretArn|rotationLambdaArn)$/],
    optional: [/^(rotationLambdaArn|windowHours|rotateImmediately)$/],
  },
};

describeFieldMutations(cases);
