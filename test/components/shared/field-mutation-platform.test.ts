/**
 * Field-level mutations of valid arguments (test/support/field-mutation.ts) for the cluster add-ons: the service
 * mesh, progressive delivery, fault-injection drills and the supply chain (registry, image verification).
 * pulumi.Input values and resources (cluster name, VPC, OIDC provider and issuer, ARNs, the registry host, the
 * monitoring release) are passed through un-judged.
 */
import { Case, describeFieldMutations } from "../../support/field-mutation";
import type { Problem } from "../../../components/shared/validation";
import { serviceMeshProblems } from "../../../components/mesh/ServiceMesh";
import { deliveryProblems, DeliveryArgs } from "../../../components/delivery";
import { rolloutsControllerProblems } from "../../../components/delivery/RolloutsController";
import { faultInjectionDrillsProblems } from "../../../components/resilience";
import { imageRegistryArgsProblems } from "../../../components/supply-chain/ImageRegistry";
import { imageVerificationProblems } from "../../../components/supply-chain/ImageVerification";
import { DRILL_REGION } from "../../support/drill-region";

const OIDC = {
  oidcProviderArn: "arn:aws:iam::123456789012:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/XYZ",
  oidcIssuer: "https://oidc.eks.us-east-1.amazonaws.com/id/XYZ",
};
const CACHE_SECRET = (name: string) => `arn:aws:secretsmanager:us-east-1:123456789012:secret:ecr-pullthroughcache/${name}-AbCdEf`;

/** `delivery` of an exposed Deployment, the context HaService gives it (a canary needs the ALB ingress). */
function exposedDeliveryProblems(delivery: DeliveryArgs): Problem[] {
  return deliveryProblems(delivery, { kind: "Deployment", exposed: true });
}

const cases: Record<string, Case> = {
  serviceMeshProblems: {
    fn: serviceMeshProblems,
    example: {
      environment: "prod",
      kubernetesVersion: "1.33",
      namespaces: ["payments", "storefront"],
      permissiveNamespaces: ["monitoring"],
      istiodReplicas: 3,
      chartVersion: "1.28.3",
      waypointReplicas: { min: 2, max: 5 },
    },
    optional: [/^(permissiveNamespaces|istiodReplicas|chartVersion|waypointReplicas)$/, /^waypointReplicas\.(min|max)$/],
  },
  exposedDeliveryProblems: {
    fn: exposedDeliveryProblems,
    example: {
      strategy: "canary",
      ingressName: "checkout-public",
      steps: [{ weight: 10, pauseSeconds: 300 }, { weight: 50, pauseSeconds: 300 }, { weight: 100 }],
      analysis: { sloName: "checkout", metrics: ["error-budget-burn", "latency-p95"], maxBurnRate: 1, latencyThresholdSeconds: 0.5, latencyQuantile: 0.95, intervalSeconds: 60, count: 5, failureLimit: 1, prometheusAddress: "http://prometheus.monitoring:9090" },
    },
    optional: [/^(strategy|steps|analysis)$/, /^steps\[\d+\]\.pauseSeconds$/, /^analysis\.\w+$/],
  },
  rolloutsControllerProblems: {
    fn: rolloutsControllerProblems,
    example: { environment: "prod", kubernetesVersion: "1.33", chartVersion: "2.40.5", replicas: 2 },
    optional: [/^(chartVersion|replicas)$/],
  },
  faultInjectionDrillsProblems: {
    fn: faultInjectionDrillsProblems,
    example: {
      ...structuredClone(DRILL_REGION),
      alarmTopicArn: "arn:aws:sns:us-east-1:123456789012:alarms",
      dataAlarmArns: ["arn:aws:cloudwatch:us-east-1:123456789012:alarm:data-lag"],
      settings: { durationMinutes: 10, stopOn: ["availability", "data"], nodeTerminationPercent: 34, podDeletionPercent: 50 },
      logRetentionDays: 365,
    },
    opaque: [/^(clusterName|vpcId|alarmTopicArn)$/, /^dataAlarmArns\[\d+\]$/],
    optional: [/^(dataTierTag|dataAlarmArns|settings|logRetentionDays)$/, /^settings\.\w+$/],
  },
  imageRegistryArgsProblems: {
    fn: imageRegistryArgsProblems,
    example: {
      region: "us-east-1",
      repositories: [{ tenant: "payments", service: "checkout" }, { tenant: "storefront", service: "catalog" }],
      replicateTo: ["us-west-2"],
      alarmTopicArn: "arn:aws:sns:us-east-1:123456789012:alarms",
      signingKeyPrimaryArn: "arn:aws:kms:us-east-1:123456789012:key/mrk-0123",
      settings: {
        alertSeverity: "HIGH",
        keepTaggedImages: 100,
        untaggedDays: 14,
        mirror: { credentials: { "docker-hub": CACHE_SECRET("docker-hub"), "github-container-registry": CACHE_SECRET("github") } },
      },
    },
    opaque: [/^(alarmTopicArn|signingKeyPrimaryArn)$/],
    optional: [/^(replicateTo|signingKeyPrimaryArn)$/, /^settings\.(alertSeverity|keepTaggedImages|untaggedDays)$/],
  },
  imageVerificationProblems: {
    fn: imageVerificationProblems,
    example: {
      region: "us-east-1",
      environment: "prod",
      clusterName: "prod-use1",
      kubernetesVersion: "1.33",
      ...OIDC,
      namespaces: ["payments", "storefront"],
      registryHost: "123456789012.dkr.ecr.us-east-1.amazonaws.com",
      signingKeyArn: "arn:aws:kms:us-east-1:123456789012:key/mrk-0123",
      exemptUsers: ["system:serviceaccount:argo-rollouts:argo-rollouts"],
      enforce: true,
    },
    opaque: [/^(clusterName|oidcProviderArn|oidcIssuer|registryHost|signingKeyArn)$/],
    optional: [/^(exemptUsers|enforce)$/],
  },
};

describeFieldMutations(cases);
