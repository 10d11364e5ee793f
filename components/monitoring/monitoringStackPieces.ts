/**
 * The pieces of a MonitoringStack, one function each, in the order the component creates them: the namespace, the
 * Grafana admin and Alertmanager config Secrets, Alertmanager's IRSA role, the kube-prometheus-stack release, the
 * SLO rules and the optional collectors (traces, logs, CloudWatch alarms). Child names are the component's own
 * (`<name>-…`): moving a piece here renames nothing.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { ClusterAlarms } from "./ClusterAlarms";
import { irsaRole } from "./irsa";
import { Logging } from "./Logging";
import { ALERTMANAGER_SERVICE_ACCOUNT, GRAFANA_ADMIN_KEYS, KUBE_PROMETHEUS_STACK_CHART, KUBE_PROMETHEUS_STACK_IMAGES, prometheusStackValues } from "./prometheusStack";
import { mirrored } from "../shared/mirror";
import { sloRuleGroups } from "./slo";
import { SloRules } from "./SloRules";
import { Tracing } from "./Tracing";
import { MONITORING_NAMESPACE, RuleGroup } from "./types";
import { EnvironmentProfile } from "../shared/environment";
import * as YAML from "yaml";
import { AlertReceivers, alertmanagerConfig, snsTopicsOf } from "./alertmanager";
import type { MonitoringStackArgs } from "./MonitoringStack";

/** What every piece needs: the component (parent and name prefix), its arguments and the choices resolved once. */
export interface MonitoringContext {
  readonly name: string;
  readonly parent: pulumi.ComponentResource;
  readonly args: MonitoringStackArgs;
  readonly profile: EnvironmentProfile;
  readonly protect: boolean;
  readonly tags: Record<string, string>;
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

const namespace = MONITORING_NAMESPACE;

/** The `monitoring` namespace, unless something else manages it (then that resource is what children wait for). */
export function monitoringNamespace(ctx: MonitoringContext): pulumi.Resource {
  const { name, args, parent } = ctx;
  return args.namespaceManagedBy ?? new k8s.core.v1.Namespace(
    `${name}-namespace`,
    {
      metadata: {
        name: namespace,
        // node-exporter and Fluent Bit read the host (hostPath, hostNetwork, hostPID).
        labels: { "pod-security.kubernetes.io/enforce": "privileged", "app.kubernetes.io/managed-by": "pulumi" },
      },
    },
    { parent },
  );
}

/** The generated Grafana admin password and the Secret the chart reads it from. */
export function grafanaAdmin(ctx: MonitoringContext, ns: pulumi.Resource): { password: random.RandomPassword; secret: k8s.core.v1.Secret } {
  const { name, parent } = ctx;
  const password = new random.RandomPassword(`${name}-grafana-admin`, { length: 32, special: false }, { parent });
  const secret = new k8s.core.v1.Secret(
    `${name}-grafana-admin`,
    {
      metadata: { name: GRAFANA_ADMIN_SECRET, namespace },
      type: "Opaque",
      stringData: { [GRAFANA_ADMIN_KEYS.user]: "admin", [GRAFANA_ADMIN_KEYS.password]: pulumi.secret(password.result) },
    },
    { parent, dependsOn: [ns] },
  );
  return { password, secret };
}

/** The Secret holding the rendered `alertmanager.yaml`. */
export function alertmanagerConfigSecret(ctx: MonitoringContext, ns: pulumi.Resource): k8s.core.v1.Secret {
  const { name, args, parent } = ctx;
  return new k8s.core.v1.Secret(
    `${name}-alertmanager-config`,
    {
      metadata: { name: ALERTMANAGER_CONFIG_SECRET, namespace },
      type: "Opaque",
      stringData: { "alertmanager.yaml": renderAlertmanagerConfig(args.alertReceivers) },
    },
    { parent, dependsOn: [ns] },
  );
}

/** Alertmanager's IRSA role, when a receiver publishes to SNS; none otherwise. */
export function alertmanagerRole(ctx: MonitoringContext): ReturnType<typeof irsaRole> | undefined {
  const { name, args, parent, tags } = ctx;
  const snsTopics = snsTopicsOf(args.alertReceivers);
  if (snsTopics.length === 0) return undefined;
  return irsaRole(
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
    { parent },
  );
}

/** The kube-prometheus-stack release; it waits for the namespace, both Secrets and the image cache rules. */
export function prometheusStackRelease(
  ctx: MonitoringContext,
  deps: { ns: pulumi.Resource; grafanaSecret: pulumi.Resource; alertmanagerSecret: pulumi.Resource; alertmanagerRoleArn?: pulumi.Input<string> },
): k8s.helm.v3.Release {
  const { name, args, parent, profile, protect } = ctx;
  const p = args.prometheus ?? {};
  const images = mirrored(prometheusStackValues({
    prometheusReplicas: p.replicas ?? 2,
    retentionDays: p.retentionDays ?? profile.retention.prometheusDays,
    storageGi: p.storageGi ?? profile.retention.prometheusStorageGi,
    storageClass: p.storageClass,
    alertmanagerReplicas: args.alertmanagerReplicas ?? 3,
    alertmanagerConfigSecret: ALERTMANAGER_CONFIG_SECRET,
    grafanaAdminSecret: GRAFANA_ADMIN_SECRET,
    alertmanagerRoleArn: deps.alertmanagerRoleArn,
    clusterLabel: args.clusterName,
  }), KUBE_PROMETHEUS_STACK_IMAGES, args.imageMirror, `${name}-kube-prometheus-stack`);
  return new k8s.helm.v3.Release(
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
    { parent, protect, dependsOn: [deps.ns, deps.grafanaSecret, deps.alertmanagerSecret, ...images.dependsOn] },
  );
}

/** One SloRules per SLO (after the release, for the PrometheusRule CRD), and every rule group they hold. */
export function createSloRules(ctx: MonitoringContext, release: k8s.helm.v3.Release): { sloRules: SloRules[]; ruleGroups: RuleGroup[] } {
  const { name, args, parent } = ctx;
  const slos = args.slos ?? [];
  const sloRules = slos.map((slo) => new SloRules(`${name}-slo-${slo.name}`, { slo, namespace }, { parent, dependsOn: [release] }));
  return { sloRules, ruleGroups: slos.flatMap((slo) => sloRuleGroups(slo)) };
}

/** The OpenTelemetry collectors, unless `tracing: false`. */
export function createTracing(ctx: MonitoringContext, ns: pulumi.Resource): void {
  const { name, args, parent, tags } = ctx;
  if (args.tracing === false) return;
  new Tracing(
    `${name}-tracing`,
    { region: args.region, oidcProviderArn: args.oidcProviderArn, oidcIssuer: args.oidcIssuer, namespace, tags, imageMirror: args.imageMirror, ...(args.tracing ?? {}) },
    { parent, dependsOn: [ns] },
  );
}

/** Fluent Bit to CloudWatch Logs, unless `logging: false`. */
export function createLogging(ctx: MonitoringContext, release: k8s.helm.v3.Release): Logging | undefined {
  const { name, args, parent, protect, tags } = ctx;
  if (args.logging === false) return undefined;
  return new Logging(
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
    { parent, dependsOn: [release] },
  );
}

/** The node-health CloudWatch alarms, unless `alarms: false`. */
export function createAlarms(ctx: MonitoringContext): ClusterAlarms | undefined {
  const { name, args, parent, tags } = ctx;
  if (args.alarms === false) return undefined;
  return new ClusterAlarms(
    `${name}-alarms`,
    { clusterName: args.clusterName, region: args.region, alarmTopicArn: args.alarmTopicArn, thresholds: args.alarms ?? undefined, tags },
    { parent },
  );
}
