import { throwIfProblems } from "../shared/validation";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import * as YAML from "yaml";
import { AlertReceivers, alertmanagerConfig, snsTopicsOf } from "./alertmanager";
import { ClusterAlarms, ClusterAlarmThresholds } from "./ClusterAlarms";
import { Dashboards } from "./Dashboards";
import { DashboardSpec } from "./grafana";
import { irsaRole } from "./irsa";
import { Logging } from "./Logging";
import { ALERTMANAGER_SERVICE_ACCOUNT, GRAFANA_ADMIN_KEYS, KUBE_PROMETHEUS_STACK_CHART, KUBE_PROMETHEUS_STACK_IMAGES, prometheusStackValues } from "./prometheusStack";
import { ImageMirror, mirrored } from "../shared/mirror";
import { Slo, sloRuleGroups } from "./slo";
import { SloRules } from "./SloRules";
import { TraceExporter, Tracing } from "./Tracing";
import { Environment, MONITORING_NAMESPACE, RuleGroup } from "./types";
import { monitoringStackProblems } from "./validation";
import { environmentProfile } from "../shared/environment";

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

/** Name of the kube-prometheus-stack Helm release in the cluster. */
export const PROMETHEUS_STACK_RELEASE = "kube-prometheus-stack";
export const GRAFANA_ADMIN_SECRET = "grafana-admin";
export const ALERTMANAGER_CONFIG_SECRET = "alertmanager-config";

/** The rendered `alertmanager.yaml`; receivers' secret fields resolved, the whole result kept secret. */
export function renderAlertmanagerConfig(receivers: AlertReceivers<pulumi.Input<string>>): pulumi.Output<string> {
  const resolved = pulumi.output(receivers) as unknown as pulumi.Output<AlertReceivers>;
  return pulumi.secret(resolved.apply((r) => YAML.stringify(alertmanagerConfig(r), { aliasDuplicateObjects: false })));
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

    const ns = args.namespaceManagedBy ?? new k8s.core.v1.Namespace(
      `${name}-namespace`,
      {
        metadata: {
          name: namespace,
          // node-exporter and Fluent Bit read the host (hostPath, hostNetwork, hostPID).
          labels: { "pod-security.kubernetes.io/enforce": "privileged", "app.kubernetes.io/managed-by": "pulumi" },
        },
      },
      { parent: this },
    );

    const password = new random.RandomPassword(`${name}-grafana-admin`, { length: 32, special: false }, { parent: this });
    const grafanaSecret = new k8s.core.v1.Secret(
      `${name}-grafana-admin`,
      {
        metadata: { name: GRAFANA_ADMIN_SECRET, namespace },
        type: "Opaque",
        stringData: { [GRAFANA_ADMIN_KEYS.user]: "admin", [GRAFANA_ADMIN_KEYS.password]: pulumi.secret(password.result) },
      },
      { parent: this, dependsOn: [ns] },
    );

    const alertmanagerSecret = new k8s.core.v1.Secret(
      `${name}-alertmanager-config`,
      {
        metadata: { name: ALERTMANAGER_CONFIG_SECRET, namespace },
        type: "Opaque",
        stringData: { "alertmanager.yaml": renderAlertmanagerConfig(args.alertReceivers) },
      },
      { parent: this, dependsOn: [ns] },
    );

    const snsTopics = snsTopicsOf(args.alertReceivers);
    const alertmanagerRole =
      snsTopics.length > 0
        ? irsaRole(
            `${name}-alertmanager`,
            {
              oidcProviderArn: args.oidcProviderArn,
              oidcIssuer: args.oidcIssuer,
              namespace,
              serviceAccount: ALERTMANAGER_SERVICE_ACCOUNT,
              description: `IRSA role for ${namespace}/${ALERTMANAGER_SERVICE_ACCOUNT}`,
              inlinePolicy: pulumi.jsonStringify({
                Version: "2012-10-17",
                Statement: [
                  { Effect: "Allow", Action: "sns:Publish", Resource: snsTopics },
                  // Encrypted topics: the publisher needs the topic's key, but only through SNS.
                  {
                    Effect: "Allow",
                    Action: ["kms:GenerateDataKey*", "kms:Decrypt"],
                    Resource: "*",
                    Condition: { StringEquals: { "kms:ViaService": `sns.${args.region}.amazonaws.com` } },
                  },
                ],
              }),
              tags,
            },
            { parent: this },
          )
        : undefined;

    const p = args.prometheus ?? {};
    this.chartVersion = KUBE_PROMETHEUS_STACK_CHART.version;
    const images = mirrored(prometheusStackValues({
      prometheusReplicas: p.replicas ?? 2,
      retentionDays: p.retentionDays ?? profile.retention.prometheusDays,
      storageGi: p.storageGi ?? profile.retention.prometheusStorageGi,
      storageClass: p.storageClass,
      alertmanagerReplicas: args.alertmanagerReplicas ?? 3,
      alertmanagerConfigSecret: ALERTMANAGER_CONFIG_SECRET,
      grafanaAdminSecret: GRAFANA_ADMIN_SECRET,
      alertmanagerRoleArn: alertmanagerRole?.arn,
      clusterLabel: args.clusterName,
    }), KUBE_PROMETHEUS_STACK_IMAGES, args.imageMirror, `${name}-kube-prometheus-stack`);
    this.release = new k8s.helm.v3.Release(
      `${name}-kube-prometheus-stack`,
      {
        name: PROMETHEUS_STACK_RELEASE,
        namespace,
        chart: KUBE_PROMETHEUS_STACK_CHART.chart,
        version: KUBE_PROMETHEUS_STACK_CHART.version,
        repositoryOpts: { repo: KUBE_PROMETHEUS_STACK_CHART.repo },
        skipCrds: false,
        atomic: true,
        cleanupOnFail: true,
        timeout: 900,
        maxHistory: 10,
        values: images.values,
      },
      { parent: this, protect, dependsOn: [ns, grafanaSecret, alertmanagerSecret, ...images.dependsOn] },
    );

    const slos = args.slos ?? [];
    const sloRules = slos.map((slo) => new SloRules(`${name}-slo-${slo.name}`, { slo, namespace }, { parent: this, dependsOn: [this.release] }));
    this.ruleGroups = slos.flatMap((slo) => sloRuleGroups(slo));
    this.prometheusRuleNames = sloRules.map((r) => r.ruleName);

    new Dashboards(`${name}-dashboards`, { dashboards: args.dashboards, namespace }, { parent: this, dependsOn: [ns] });

    if (args.tracing !== false) {
      new Tracing(
        `${name}-tracing`,
        { region: args.region, oidcProviderArn: args.oidcProviderArn, oidcIssuer: args.oidcIssuer, namespace, tags, imageMirror: args.imageMirror, ...(args.tracing ?? {}) },
        { parent: this, dependsOn: [ns] },
      );
    }

    const logging =
      args.logging === false
        ? undefined
        : new Logging(
            `${name}-logging`,
            {
              region: args.region,
              clusterName: args.clusterName,
              oidcProviderArn: args.oidcProviderArn,
              oidcIssuer: args.oidcIssuer,
              namespace,
              protect,
              tags,
              imageMirror: args.imageMirror,
              ...(args.logging ?? {}),
            },
            // Its ServiceMonitor needs the operator's CRDs.
            { parent: this, dependsOn: [this.release] },
          );

    const alarms =
      args.alarms === false
        ? undefined
        : new ClusterAlarms(
            `${name}-alarms`,
            { clusterName: args.clusterName, region: args.region, alarmTopicArn: args.alarmTopicArn, thresholds: args.alarms ?? undefined, tags },
            { parent: this },
          );

    this.namespace = namespace;
    this.grafanaAdminSecretName = grafanaSecret.metadata.name;
    this.grafanaAdminPassword = pulumi.secret(password.result);
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
