import { throwIfProblems } from "../shared/validation";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { AlertReceivers } from "./alertmanager";
import { ClusterAlarmThresholds } from "./ClusterAlarms";
import { DashboardSpec } from "./grafana";
import { KUBE_PROMETHEUS_STACK_CHART } from "./prometheusStack";
import { Dashboards } from "./Dashboards";
import { ImageMirror } from "../shared/mirror";
import { Slo } from "./slo";
import { TraceExporter } from "./Tracing";
import { Environment, MONITORING_NAMESPACE, RuleGroup } from "./types";
import { monitoringStackProblems } from "./validation";
import { environmentProfile } from "../shared/environment";
import {
  MonitoringContext,
  alertmanagerConfigSecret,
  alertmanagerRole,
  createAlarms,
  createLogging,
  createSloRules,
  createTracing,
  grafanaAdmin,
  monitoringNamespace,
  prometheusStackRelease,
} from "./monitoringStackPieces";

export {
  ALERTMANAGER_CONFIG_SECRET,
  GRAFANA_ADMIN_SECRET,
  PROMETHEUS_STACK_RELEASE,
  renderAlertmanagerConfig,
} from "./monitoringStackPieces";


export interface PrometheusSettings {
  /** Prometheus replicas, each in its own zone. @default 2 */
  readonly replicas?: number;
  /** Days of metrics kept. @default 30 in prod, 15 elsewhere */
  readonly retentionDays?: number;
  /** Volume per replica in GiB. @default 200 in prod, 50 elsewhere */
  readonly storageGi?: number;
  /** StorageClass of the volumes. @default the cluster's default StorageClass */
  readonly storageClass?: string;
}

export interface TracingSettings {
  /** @default AWS X-Ray in the stack's region */
  readonly exporter?: TraceExporter;
  /** @default 10 — keep 10 % of traces */
  readonly samplingPercentage?: number;
  /** @default 2 */
  readonly gatewayReplicas?: number;
}

export interface LoggingSettings {
  /** @default 30 */
  readonly retentionDays?: number;
  /** @default a new customer-managed key */
  readonly kmsKeyArn?: pulumi.Input<string>;
}

export interface MonitoringStackArgs {
  /** Region of the cluster (and of its aws provider). */
  readonly region: string;
  /** `prod` protects the stateful pieces and raises retention and storage. */
  readonly environment: Environment;
  readonly clusterName: pulumi.Input<string>;
  /** The cluster's IAM OIDC provider, for the IRSA roles of Alertmanager, the trace gateway and Fluent Bit. */
  readonly oidcProviderArn: pulumi.Input<string>;
  /** The cluster's OIDC issuer URL (`https://oidc.eks...`). */
  readonly oidcIssuer: pulumi.Input<string>;
  /** SNS topic for CloudWatch alarms, shared with the data tier. @default a new KMS-encrypted topic */
  readonly alarmTopicArn?: pulumi.Input<string>;
  /** Service SLOs; each becomes a PrometheusRule with burn-rate alerts. @default none */
  readonly slos?: readonly Slo[];
  /** Alertmanager receivers and the receiver per severity. Secret fields may be secret Outputs. */
  readonly alertReceivers: AlertReceivers<pulumi.Input<string>>;
  /** @default 2 replicas, retention and volume by environment */
  readonly prometheus?: PrometheusSettings;
  /** @default 3 */
  readonly alertmanagerReplicas?: number;
  /** @default service RED + SLO, cluster capacity, data tier */
  readonly dashboards?: readonly DashboardSpec[];
  /** OpenTelemetry collectors, or `false` for none. @default agent + gateway to X-Ray, 10 % sampling */
  readonly tracing?: TracingSettings | false;
  /** Fluent Bit to CloudWatch Logs, or `false` for none. @default on, 30 days, new KMS key */
  readonly logging?: LoggingSettings | false;
  /** Node-health CloudWatch alarms, or `false` for none. @default on, default thresholds */
  readonly alarms?: ClusterAlarmThresholds | false;
  /**
   * The resource that manages the `monitoring` namespace, when something else does (e.g. ClusterSecurityBaseline, which adds
   * Pod Security labels, default-deny, quota and limits). Its children wait for it.
   * @default the stack creates the namespace itself, labelled privileged for node-exporter and Fluent Bit.
   */
  readonly namespaceManagedBy?: pulumi.Resource;
  /** Protect the Helm release and the log group from deletion. @default true in prod */
  readonly protect?: boolean;
  readonly tags?: Record<string, string>;
  /**
   * The account's ECR pull-through cache in the cluster's region: kube-prometheus-stack, Fluent Bit and the
   * OpenTelemetry Collector pull through it and wait for its cache rules. @default none: public registries
   */
  readonly imageMirror?: ImageMirror;
}

/** Throws every problem of the arguments as one ValidationError; what the MonitoringStack constructor calls first. */
export function validateMonitoringStackArgs(name: string, args: MonitoringStackArgs): void {
  throwIfProblems(`MonitoringStack "${name}"`, monitoringStackProblems(args));
}

/**
 * The monitoring stack of one regional cluster: kube-prometheus-stack in HA, SLO rules, dashboards, traces, logs
 * and CloudWatch alarms.
 *
 * CRDs: the chart installs the Prometheus Operator CRDs itself (its `crds` subchart, `skipCrds: false`) and its
 * CRD upgrade job keeps them current on chart upgrades, so CRDs always match the operator they ship with; every
 * custom resource made here (PrometheusRule, Fluent Bit's ServiceMonitor) `dependsOn` the release, so none can be
 * sent before its CRD exists. The alternative, a separate CRD chart, adds a second version pin to keep in step
 * with the operator for no gain.
 */
export class MonitoringStack extends pulumi.ComponentResource {
  readonly namespace: string;
  readonly release: k8s.helm.v3.Release;
  readonly chartVersion: string;
  readonly grafanaAdminSecretName: pulumi.Output<string>;
  /** Generated Grafana admin password (secret). */
  readonly grafanaAdminPassword: pulumi.Output<string>;
  readonly alarmTopicArn: pulumi.Output<string | undefined>;
  readonly logGroupName: pulumi.Output<string | undefined>;
  /** Names of the PrometheusRule objects, one per SLO. */
  readonly prometheusRuleNames: pulumi.Output<string>[];
  /** Every SLO rule group, as the PrometheusRules hold them (for `promtool check rules`). */
  readonly ruleGroups: readonly RuleGroup[];

  constructor(name: string, args: MonitoringStackArgs, opts?: pulumi.ComponentResourceOptions) {
    validateMonitoringStackArgs(name, args);
    super("production-platform:monitoring:MonitoringStack", name, {}, opts);

    const profile = environmentProfile(args.environment);
    const protect = args.protect ?? profile.protect;
    const tags = { "production-platform:component": "monitoring", environment: args.environment, ...(args.tags ?? {}) };
    const namespace = MONITORING_NAMESPACE;
    const ctx: MonitoringContext = { name, parent: this, args, profile, protect, tags };

    const ns = monitoringNamespace(ctx);
    const grafana = grafanaAdmin(ctx, ns);
    const alertmanagerSecret = alertmanagerConfigSecret(ctx, ns);
    const role = alertmanagerRole(ctx);

    this.chartVersion = KUBE_PROMETHEUS_STACK_CHART.version;
    this.release = prometheusStackRelease(ctx, { ns, grafanaSecret: grafana.secret, alertmanagerSecret, alertmanagerRoleArn: role?.arn });

    const { sloRules, ruleGroups } = createSloRules(ctx, this.release);
    this.ruleGroups = ruleGroups;
    this.prometheusRuleNames = sloRules.map((r) => r.ruleName);

    new Dashboards(`${name}-dashboards`, { dashboards: args.dashboards, namespace }, { parent: this, dependsOn: [ns] });
    createTracing(ctx, ns);
    const logging = createLogging(ctx, this.release);
    const alarms = createAlarms(ctx);

    this.namespace = namespace;
    this.grafanaAdminSecretName = grafana.secret.metadata.name;
    this.grafanaAdminPassword = pulumi.secret(grafana.password.result);
    this.alarmTopicArn = alarms ? alarms.alarmTopicArn : args.alarmTopicArn !== undefined ? pulumi.output(args.alarmTopicArn) : pulumi.output(undefined);
    this.logGroupName = logging ? logging.logGroupName : pulumi.output(undefined);

    this.registerOutputs({
      namespace: this.namespace,
      chartVersion: this.chartVersion,
      grafanaAdminSecretName: this.grafanaAdminSecretName,
      grafanaAdminPassword: this.grafanaAdminPassword,
      alarmTopicArn: this.alarmTopicArn,
      logGroupName: this.logGroupName,
      prometheusRuleNames: this.prometheusRuleNames,
    });
  }
}
