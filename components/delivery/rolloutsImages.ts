import { ChartImages, mirrorRegistry } from "../shared/mirror";

/**
 * Images of argo-rollouts chart 2.40.9 (argoproj/argo-helm charts/argo-rollouts/values.yaml): `controller.image` and
 * `dashboard.image`, each `registry` quay.io and `repository` argoproj/argo-rollouts (the dashboard stays disabled; its
 * registry is set so enabling it does not reach quay.io directly).
 */
export const ROLLOUTS_IMAGES: ChartImages = {
  upstreams: ["quay"],
  values: (m) => ({ controller: { image: { registry: mirrorRegistry(m, "quay") } }, dashboard: { image: { registry: mirrorRegistry(m, "quay") } } }),
};
