/**
 * Field-level mutations of valid arguments (test/support/field-mutation.ts) for the monitoring components beside
 * MonitoringStack: the alarm topic, dashboards, cluster alarms, logging, tracing and SLO rules. pulumi.Input values
 * (cluster name, OIDC provider and issuer, topic and key ARNs) are passed through un-judged.
 */
import { Case, describeFieldMutations } from "../../support/field-mutation";
import { alarmTopicProblems } from "../../../components/monitoring/AlarmTopic";
import { dashboardsArgsProblems } from "../../../components/monitoring/Dashboards";
import { clusterAlarmsArgsProblems } from "../../../components/monitoring/ClusterAlarms";
import { loggingArgsProblems } from "../../../components/monitoring/Logging";
import { tracingArgsProblems } from "../../../components/monitoring/Tracing";
import { sloRulesProblems } from "../../../components/monitoring/SloRules";

const OIDC = {
  oidcProviderArn: "arn:aws:iam::123456789012:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/XYZ",
  oidcIssuer: "https://oidc.eks.us-east-1.amazonaws.com/id/XYZ",
};
const PASSED_THROUGH = /^(clusterName|oidcProviderArn|oidcIssuer|alarmTopicArn|kmsKeyArn)$/;

const cases: Record<string, Case> = {
  alarmTopicProblems: {
    fn: alarmTopicProblems,
    example: { emails: ["oncall@example.com", "platform@example.com", "security@example.com"] },
    optional: [/^emails$/],
  },
  dashboardsArgsProblems: {
    fn: dashboardsArgsProblems,
    example: {
      namespace: "monitoring",
      dashboards: [
        {
          uid: "checkout-red",
          title: "Checkout: rate, errors, duration",
          tags: ["checkout", "red"],
          variables: [{ name: "service", label: "Service", query: "label_values(http_requests_total, service)" }],
          panels: [
            { title: "Requests", kind: "timeseries", unit: "reqps", queries: [{ expr: "sum(rate(http_requests_total[$__rate_interval]))", legend: "{{code}}" }], width: 12 },
            { title: "Error ratio", kind: "stat", unit: "percentunit", queries: [{ expr: "sum(rate(http_requests_total{code=~\"5..\"}[5m])) / sum(rate(http_requests_total[5m]))" }], redAt: 0.05, warnAt: 0.01, description: "5xx share" },
          ],
        },
      ],
    },
    optional: [/^(namespace|dashboards)$/, /^dashboards\[\d+\]\.variables$/, /\.panels\[\d+\]\.(unit|description|redAt|warnAt|width)$/, /\.queries\[\d+\]\.legend$/],
  },
  clusterAlarmsArgsProblems: {
    fn: clusterAlarmsArgsProblems,
    example: {
      clusterName: "production-platform-prod-use1",
      region: "us-east-1",
      alarmTopicArn: "arn:aws:sns:us-east-1:123456789012:alarms",
      thresholds: { nodeCpuPercent: 80, nodeMemoryPercent: 85, nodeFilesystemPercent: 80 },
    },
    // region is not read by ClusterAlarms (the provider places the alarms), so nothing judges it.
    opaque: [PASSED_THROUGH, /^region$/],
    optional: [/^(alarmTopicArn|thresholds)$/, /^thresholds\.\w+$/],
  },
  // The component's functions: loggingProblems / tracingProblems judge the settings MonitoringStack shares with them.
  loggingArgsProblems: {
    fn: loggingArgsProblems,
    example: { region: "us-east-1", clusterName: "production-platform-prod-use1", ...OIDC, retentionDays: 365, kmsKeyArn: "arn:aws:kms:us-east-1:123456789012:key/abc", protect: true, serviceMonitor: true, namespace: "logging" },
    opaque: [PASSED_THROUGH],
    optional: [/^(retentionDays|kmsKeyArn|protect|serviceMonitor|namespace)$/],
  },
  tracingArgsProblems: {
    fn: tracingArgsProblems,
    example: { region: "us-east-1", ...OIDC, exporter: { kind: "otlp", endpoint: "tempo-distributor.tracing:4317", insecure: true }, samplingPercentage: 10, gatewayReplicas: 2, namespace: "tracing" },
    opaque: [PASSED_THROUGH],
    optional: [/^(exporter|samplingPercentage|gatewayReplicas|namespace)$/, /^exporter\.insecure$/],
  },
  sloRulesProblems: {
    fn: sloRulesProblems,
    example: {
      namespace: "payments",
      labels: { team: "payments" },
      slo: {
        name: "checkout",
        namespace: "payments",
        objective: 99.9,
        windowDays: 30,
        selector: 'service="checkout"',
        latency: { percentile: 0.99, thresholdSeconds: 0.5, for: "10m", bucketMetric: "http_request_duration_seconds_bucket" },
        errorRateAlert: { threshold: 0.05, for: "5m" },
        runbookUrl: "https://runbooks.example.com/checkout",
      },
    },
    optional: [/^(namespace|labels)$/, /^slo\.(namespace|objective|windowDays|selector|events|latency|errorRateAlert|runbookUrl)$/, /^slo\.(latency|errorRateAlert)\.\w+$/],
  },
};

describeFieldMutations(cases);
