/**
 * Versions pinned per Kubernetes minor version.
 *
 * Add-on versions are the "latest version of the Amazon EKS add-on type for each Kubernetes version" tables of the
 * EKS user guide (managing-vpc-cni, managing-coredns, managing-kube-proxy; snapshot of late 2025) and the
 * aws-ebs-csi-driver add-on build of the same period. Refresh with
 *   aws eks describe-addon-versions --kubernetes-version <v> --addon-name <addon> \
 *     --query 'addons[].addonVersions[0].addonVersion'
 * and bump one minor version at a time (the VPC CNI refuses to skip minors). Pinning keeps a plan reproducible: an
 * unpinned add-on takes whatever EKS defaults to on the day of the deploy.
 *
 * The cluster autoscaler image must match the cluster's Kubernetes minor version (upstream policy), while one chart
 * release renders any image tag.
 */

import { ChartImages, mirrorImage } from "../shared/mirror";

export const SUPPORTED_KUBERNETES_VERSIONS = ["1.30", "1.31", "1.32", "1.33", "1.34"] as const;
export type KubernetesVersion = (typeof SUPPORTED_KUBERNETES_VERSIONS)[number];

export interface PinnedVersions {
  readonly vpcCni: string;
  readonly coredns: string;
  readonly kubeProxy: string;
  readonly ebsCsiDriver: string;
  /** Image tag of registry.k8s.io/autoscaling/cluster-autoscaler. */
  readonly clusterAutoscalerImage: string;
}

const VPC_CNI = "v1.20.4-eksbuild.1";
const EBS_CSI = "v1.52.1-eksbuild.1";

export const PINNED_VERSIONS: Readonly<Record<KubernetesVersion, PinnedVersions>> = {
  "1.30": { vpcCni: VPC_CNI, coredns: "v1.11.4-eksbuild.24", kubeProxy: "v1.30.14-eksbuild.8", ebsCsiDriver: EBS_CSI, clusterAutoscalerImage: "v1.30.0" },
  "1.31": { vpcCni: VPC_CNI, coredns: "v1.11.4-eksbuild.24", kubeProxy: "v1.31.13-eksbuild.2", ebsCsiDriver: EBS_CSI, clusterAutoscalerImage: "v1.31.0" },
  "1.32": { vpcCni: VPC_CNI, coredns: "v1.11.4-eksbuild.24", kubeProxy: "v1.32.9-eksbuild.2", ebsCsiDriver: EBS_CSI, clusterAutoscalerImage: "v1.32.0" },
  "1.33": { vpcCni: VPC_CNI, coredns: "v1.12.4-eksbuild.1", kubeProxy: "v1.33.5-eksbuild.2", ebsCsiDriver: EBS_CSI, clusterAutoscalerImage: "v1.33.0" },
  "1.34": { vpcCni: VPC_CNI, coredns: "v1.12.4-eksbuild.1", kubeProxy: "v1.34.1-eksbuild.2", ebsCsiDriver: EBS_CSI, clusterAutoscalerImage: "v1.34.0" },
};

/** kubernetes/autoscaler Helm chart (https://github.com/kubernetes/autoscaler/tree/master/charts/cluster-autoscaler). */
export const CLUSTER_AUTOSCALER_CHART = {
  repo: "https://kubernetes.github.io/autoscaler",
  chart: "cluster-autoscaler",
  version: "9.50.1",
} as const;

/**
 * cluster-autoscaler chart 9.50.1 images (its values.yaml, github.com/kubernetes/autoscaler/blob/
 * cluster-autoscaler-chart-9.50.1/charts/cluster-autoscaler/values.yaml): `image.repository`, default
 * registry.k8s.io/autoscaling/cluster-autoscaler; the tag stays the per-Kubernetes-version pin.
 */
export const CLUSTER_AUTOSCALER_IMAGES: ChartImages = {
  upstreams: ["k8s"],
  values: (m) => ({ image: { repository: mirrorImage(m, "registry.k8s.io/autoscaling/cluster-autoscaler") } }),
};

export function isSupportedKubernetesVersion(version: unknown): version is KubernetesVersion {
  return typeof version === "string" && (SUPPORTED_KUBERNETES_VERSIONS as readonly string[]).includes(version);
}

/**
 * kubernetes-sigs/metrics-server Helm chart: the resource-metrics API the HPAs' CPU and memory targets read.
 * Checked 2026-12 (search of the project's releases and compatibility matrix): chart 3.12.x ships metrics-server
 * 0.7.x, which serves metrics.k8s.io/v1beta1 — the API every pinned Kubernetes version (1.30–1.34) still serves. The
 * stored sources did not show an explicit 1.33/1.34 row for 0.7.x: not judged beyond that, confirm with the chart's
 * `kubeVersion` before an upgrade.
 */
export const METRICS_SERVER_CHART = {
  repo: "https://kubernetes-sigs.github.io/metrics-server/",
  chart: "metrics-server",
  version: "3.12.2",
} as const;

/**
 * The amazon-cloudwatch-observability EKS add-on (CloudWatch agent for Container Insights), the source of the
 * `ContainerInsights` metrics the node alarms read. One build serves every supported Kubernetes version; refresh
 * with `aws eks describe-addon-versions --addon-name amazon-cloudwatch-observability`.
 * Checked 2026-12: the EKS user guide ("Verify Amazon EKS add-on version compatibility") names that call as the only
 * source of which builds serve which cluster version; no stored document lists v4.1.0-eksbuild.1 against 1.33 or
 * 1.34, so that pairing is NOT confirmed here (docs/platform-team.md asks the operator to run the call first).
 */
/**
 * metrics-server chart 3.12.2 images (github.com/kubernetes-sigs/metrics-server/blob/metrics-server-helm-chart-3.12.2/
 * charts/metrics-server/values.yaml): `image.repository`, default registry.k8s.io/metrics-server/metrics-server; the
 * addon-resizer image (`addonResizer.image`) renders only with `addonResizer.enabled`, which stays false.
 */
export const METRICS_SERVER_IMAGES: ChartImages = {
  upstreams: ["k8s"],
  values: (m) => ({ image: { repository: mirrorImage(m, "registry.k8s.io/metrics-server/metrics-server") } }),
};

export const CLOUDWATCH_OBSERVABILITY_ADDON_VERSION = "v4.1.0-eksbuild.1";
