/**
 * kube-prometheus-stack values for an HA, EKS-shaped install. Pure: tests assert on the object directly and the
 * component hands it to the Helm release unchanged.
 *
 * Keys follow the chart's values.yaml at the pinned version (prometheus-community/helm-charts,
 * charts/kube-prometheus-stack).
 */
import * as pulumi from "@pulumi/pulumi";
import { ZONE_KEY } from "../shared/kubernetes";
import { resourcesOf } from "./resources";
import { MONITORING_NAMESPACE } from "./types";
import { ChartImages, mirrorRegistry } from "../shared/mirror";

export const KUBE_PROMETHEUS_STACK_CHART = {
  chart: "kube-prometheus-stack",
  version: "75.8.1",
  repo: "https://prometheus-community.github.io/helm-charts",
} as const;

/**
 * Every image kube-prometheus-stack 75.8.1 and its subcharts render, each with its own `registry` key, set to the
 * cache prefix of the registry it defaults to (the repository paths stay the charts'). Followed:
 * prometheus-community/helm-charts charts/kube-prometheus-stack/values.yaml (`prometheusOperator.image`,
 * `.prometheusConfigReloader.image`, `.admissionWebhooks.patch.image`, `.thanosImage`, `prometheus.prometheusSpec.image`,
 * `alertmanager.alertmanagerSpec.image`, `thanosRuler.thanosRulerSpec.image`), charts/kube-state-metrics and
 * charts/prometheus-node-exporter values.yaml (`image.registry`), and grafana/helm-charts charts/grafana/values.yaml
 * (`image`, `sidecar.image`, `initChownData.image`, `downloadDashboardsImage`, `testFramework.image`). The chart's
 * `global.imageRegistry` is not used: one registry for all would lose the per-upstream prefix.
 */
export const KUBE_PROMETHEUS_STACK_IMAGES: ChartImages = {
  upstreams: ["quay", "k8s", "docker-hub"],
  values: (m) => {
    const quay = { registry: mirrorRegistry(m, "quay") };
    const k8s = { registry: mirrorRegistry(m, "k8s") };
    const dockerHub = { registry: mirrorRegistry(m, "docker-hub") };
    return {
      prometheusOperator: { image: quay, prometheusConfigReloader: { image: quay }, admissionWebhooks: { patch: { image: k8s } }, thanosImage: quay },
      prometheus: { prometheusSpec: { image: quay } },
      alertmanager: { alertmanagerSpec: { image: quay } },
      thanosRuler: { thanosRulerSpec: { image: quay } },
      "kube-state-metrics": { image: k8s },
      "prometheus-node-exporter": { image: quay },
      grafana: { image: dockerHub, sidecar: { image: quay }, initChownData: { image: dockerHub }, downloadDashboardsImage: dockerHub, testFramework: { image: dockerHub } },
    };
  },
};

export { ZONE_KEY } from "../shared/kubernetes";
export const HOST_KEY = "kubernetes.io/hostname";
/** Service account Alertmanager runs as (named so an IRSA role can trust exactly it). */
export const ALERTMANAGER_SERVICE_ACCOUNT = "alertmanager";
/** Keys of the Grafana admin Secret, as the Grafana chart's `admin.existingSecret` expects them. */
export const GRAFANA_ADMIN_KEYS = { user: "admin-user", password: "admin-password" } as const;

export interface PrometheusStackSettings {
  readonly prometheusReplicas: number;
  readonly retentionDays: number;
  readonly storageGi: number;
  /** @default the cluster's default StorageClass */
  readonly storageClass?: string;
  readonly alertmanagerReplicas: number;
  readonly alertmanagerConfigSecret: string;
  readonly grafanaAdminSecret: string;
  readonly alertmanagerRoleArn?: pulumi.Input<string>;
  readonly clusterLabel: pulumi.Input<string>;
}

function pvc(storageGi: number, storageClass: string | undefined): Record<string, unknown> {
  return {
    volumeClaimTemplate: {
      spec: {
        ...(storageClass ? { storageClassName: storageClass } : {}),
        accessModes: ["ReadWriteOnce"],
        resources: { requests: { storage: `${storageGi}Gi` } },
      },
    },
  };
}

/** The release's fullname: every object the chart creates is named after it. */
export const PROMETHEUS_STACK_FULLNAME = "kube-prometheus-stack";
/**
 * Prometheus' service account: the chart's default `<fullname>-prometheus` (the values do not rename it). In the mesh
 * its scrapes carry the identity `cluster.local/ns/<monitoring>/sa/<this>`.
 */
export const PROMETHEUS_SERVICE_ACCOUNT = `${PROMETHEUS_STACK_FULLNAME}-prometheus`;
/** Label the operator puts on the Prometheus pods (the zone spread below selects them by it too). */
export const PROMETHEUS_POD_LABELS = { "app.kubernetes.io/name": "prometheus" } as const;
/**
 * In-cluster query URL of Prometheus: the chart's `<fullname>-prometheus` Service on 9090 in the monitoring namespace.
 * Argo Rollouts' AnalysisTemplates query it.
 */
export const PROMETHEUS_IN_CLUSTER_URL = `http://${PROMETHEUS_STACK_FULLNAME}-prometheus.${MONITORING_NAMESPACE}.svc.cluster.local:9090`;

function zoneSpread(name: string): Record<string, unknown>[] {
  return [{ maxSkew: 1, topologyKey: ZONE_KEY, whenUnsatisfiable: "DoNotSchedule", labelSelector: { matchLabels: { "app.kubernetes.io/name": name } } }];
}

/** Prometheus: replicas in different zones (hard anti-affinity), PDB, NetworkPolicy, every monitor in every namespace. */
function prometheusValues(s: PrometheusStackSettings): Record<string, unknown> {
  return {
    podDisruptionBudget: { enabled: true, minAvailable: 1 },
    networkPolicy: { enabled: true },
    prometheusSpec: {
      replicas: s.prometheusReplicas,
      resources: resourcesOf("prometheus"),
      retention: `${s.retentionDays}d`,
      // Leaves headroom below the volume size: a full disk stops ingestion, trimming old blocks does not.
      retentionSize: `${Math.floor(s.storageGi * 0.85)}GB`,
      storageSpec: pvc(s.storageGi, s.storageClass),
      externalLabels: { cluster: s.clusterLabel },
      replicaExternalLabelName: "prometheus_replica",
      // Pick up every ServiceMonitor/PodMonitor/Probe/ScrapeConfig/PrometheusRule in every namespace, not only
      // those labelled with this release.
      serviceMonitorSelectorNilUsesHelmValues: false,
      podMonitorSelectorNilUsesHelmValues: false,
      ruleSelectorNilUsesHelmValues: false,
      probeSelectorNilUsesHelmValues: false,
      scrapeConfigSelectorNilUsesHelmValues: false,
      serviceMonitorNamespaceSelector: {},
      podMonitorNamespaceSelector: {},
      ruleNamespaceSelector: {},
      podAntiAffinity: "hard",
      podAntiAffinityTopologyKey: ZONE_KEY,
      topologySpreadConstraints: zoneSpread("prometheus"),
    },
  };
}

/** Alertmanager: spread evenly over zones, PDB, NetworkPolicy, its config from the Secret we render. */
function alertmanagerValues(s: PrometheusStackSettings): Record<string, unknown> {
  return {
    podDisruptionBudget: { enabled: true, minAvailable: Math.max(1, s.alertmanagerReplicas - 1) },
    networkPolicy: { enabled: true },
    serviceAccount: {
      create: true,
      name: ALERTMANAGER_SERVICE_ACCOUNT,
      annotations: s.alertmanagerRoleArn ? { "eks.amazonaws.com/role-arn": s.alertmanagerRoleArn } : {},
    },
    alertmanagerSpec: {
      replicas: s.alertmanagerReplicas,
      resources: resourcesOf("alertmanager"),
      // Routes and receivers live in a Secret we render (amtool-checked); secrets never pass through Helm values.
      useExistingSecret: true,
      configSecret: s.alertmanagerConfigSecret,
      storage: pvc(10, s.storageClass),
      podAntiAffinity: "hard",
      podAntiAffinityTopologyKey: HOST_KEY,
      topologySpreadConstraints: zoneSpread("alertmanager"),
    },
  };
}

/** Grafana: admin from the existing Secret, dashboards from every namespace's labelled ConfigMaps. */
function grafanaValues(s: PrometheusStackSettings): Record<string, unknown> {
  return {
    admin: { existingSecret: s.grafanaAdminSecret, userKey: GRAFANA_ADMIN_KEYS.user, passwordKey: GRAFANA_ADMIN_KEYS.password },
    networkPolicy: { enabled: true },
    resources: resourcesOf("grafana"),
    sidecar: {
      resources: resourcesOf("grafanaSidecar"),
      dashboards: { enabled: true, label: "grafana_dashboard", labelValue: "1", searchNamespace: "ALL" },
    },
  };
}

/**
 * Values for the release. HA: Prometheus replicas in different zones (hard anti-affinity), Alertmanager spread
 * evenly over zones, PDBs and NetworkPolicies on. EKS: the managed control plane exposes no controller-manager,
 * scheduler, etcd or kube-proxy metrics, so their scrapes and rules are off (they would only ever fire "down").
 */
export function prometheusStackValues(s: PrometheusStackSettings): Record<string, unknown> {
  return {
    fullnameOverride: PROMETHEUS_STACK_FULLNAME,
    crds: {
      enabled: true,
      // Helm installs CRDs on first install only; this job (a pre-upgrade hook) applies the pinned chart's CRDs on
      // every upgrade so the operator never runs against stale schemas.
      upgradeJob: { enabled: true, forceConflicts: true },
    },
    defaultRules: {
      create: true,
      rules: {
        etcd: false,
        kubeControllerManager: false,
        kubeSchedulerAlerting: false,
        kubeSchedulerRecording: false,
        kubeProxy: false,
        windows: false,
      },
    },
    kubeControllerManager: { enabled: false },
    kubeScheduler: { enabled: false },
    kubeEtcd: { enabled: false },
    kubeProxy: { enabled: false },
    prometheusOperator: {
      networkPolicy: { enabled: true },
      resources: resourcesOf("operator"),
      prometheusConfigReloader: { resources: resourcesOf("configReloader") },
      admissionWebhooks: { patch: { resources: resourcesOf("admissionPatch") } },
    },
    "kube-state-metrics": { resources: resourcesOf("kubeStateMetrics") },
    "prometheus-node-exporter": { resources: resourcesOf("nodeExporter") },
    prometheus: prometheusValues(s),
    alertmanager: alertmanagerValues(s),
    grafana: grafanaValues(s),
  };
}
