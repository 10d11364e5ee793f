/**
 * Field-level mutations of valid arguments (test/support/field-mutation.ts) for HaService and MonitoringStack, the
 * two functions whose null probe / receiver throws field-mutation.test.ts pins. Secret values and resources
 * (PagerDuty routing keys, webhook URLs, the alarm topic, the cluster's OIDC provider) are passed through un-judged.
 */
import { Case, describeFieldMutations } from "../../support/field-mutation";
import { haServiceProblems } from "../../../components/workload";
import { monitoringStackProblems } from "../../../components/monitoring";

const cases: Record<string, Case> = {
  haServiceProblems: {
    fn: haServiceProblems,
    example: {
      namespace: "payments",
      appName: "checkout",
      partOf: "shop",
      image: "ghcr.io/acme/checkout:1.4.2",
      port: 8080,
      environment: "prod",
      kind: "Deployment",
      autoscaling: { minReplicas: 3, maxReplicas: 20, cpuUtilization: 70, memoryUtilization: 80 },
      resources: { requests: { cpu: "250m", memory: "256Mi" }, limits: { cpu: "1", memory: "512Mi" } },
      probes: { liveness: { httpPath: "/livez", periodSeconds: 10, timeoutSeconds: 2, failureThreshold: 3 }, readiness: { httpPath: "/readyz" }, startup: { tcp: true, initialDelaySeconds: 5 } },
      terminationGracePeriodSeconds: 30,
      preStopSleepSeconds: 5,
      pdb: { maxUnavailable: 1 },
      allowedCallers: [{ namespace: "storefront", podLabels: { "app.kubernetes.io/name": "frontend" }, serviceAccount: "frontend" }, { namespace: "monitoring" }],
      env: { LOG_LEVEL: "info" },
      secretEnv: [{ name: "DB_PASSWORD", secretName: "checkout-db", key: "password" }],
      secretFiles: [{ secretName: "checkout-tls", mountPath: "/etc/tls" }],
      serviceAccount: { name: "checkout", automountToken: false },
      zones: ["us-east-1a", "us-east-1b", "us-east-1c"],
      runAsUser: 10001,
    },
    optional: [
      /^(appName|partOf|kind|autoscaling|resources|probes|terminationGracePeriodSeconds|preStopSleepSeconds|pdb|allowedCallers|env|secretEnv|secretFiles|serviceAccount|zones|runAsUser)$/,
      /^autoscaling\.\w+$/, /^resources\.\w+(\.\w+)?$/, /^probes\.\w+(\.\w+)?$/, /^pdb\.\w+$/,
      /^allowedCallers\[\d+\]\.(podLabels|serviceAccount)$/, /^serviceAccount\.\w+$/,
    ],
  },
  monitoringStackProblems: {
    fn: monitoringStackProblems,
    example: {
      region: "us-east-1",
      environment: "prod",
      clusterName: "production-platform-prod-use1",
      oidcProviderArn: "arn:aws:iam::123456789012:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/XYZ",
      oidcIssuer: "https://oidc.eks.us-east-1.amazonaws.com/id/XYZ",
      alarmTopicArn: "arn:aws:sns:us-east-1:123456789012:alarms",
      slos: [{ name: "checkout", namespace: "payments", objective: 99.9, windowDays: 30 }],
      alertReceivers: {
        receivers: [
          { name: "oncall", pagerduty: [{ routingKey: "pd-routing-key-123" }] },
          { name: "tickets", slack: [{ webhookUrl: "https://hooks.slack.com/services/T/B/SECRET", channel: "#alerts" }] },
        ],
        critical: "oncall",
        warning: "tickets",
        groupBy: ["alertname", "namespace"],
      },
      prometheus: { replicas: 2, retentionDays: 15, storageGi: 100, storageClass: "gp3" },
      alertmanagerReplicas: 3,
      tracing: { exporter: { kind: "xray" }, samplingPercentage: 10, gatewayReplicas: 2 },
      logging: { retentionDays: 90 },
      alarms: { nodeCpuPercent: 80 },
      protect: true,
    },
    opaque: [/^(clusterName|oidcProviderArn|oidcIssuer|alarmTopicArn)$/, /\.(routingKey|webhookUrl)$/],
    optional: [
      /^(alarmTopicArn|slos|prometheus|alertmanagerReplicas|tracing|logging|alarms|protect)$/,
      /^slos\[\d+\]\.(namespace|objective|windowDays)$/, /^alertReceivers\.groupBy$/, /^prometheus\.\w+$/,
      /^tracing\.\w+$/, /^logging\.\w+$/, /^alarms\.\w+$/,
    ],
  },
};

describeFieldMutations(cases);
