import { ChartImages, mirrorRegistry } from "../shared/mirror";

/**
 * Images of Istio's charts 1.28.3 (istio/istio manifests/charts/istio-control/istio-discovery, istio-cni and ztunnel
 * values.yaml): every image is `<hub>/<name>:<tag>` with hub docker.io/istio — `global.hub` for istiod (and the proxy
 * images it injects or runs), `global.hub` and `hub` for istio-cni and ztunnel. The base chart renders no image.
 */
export const ISTIO_IMAGES: ChartImages = {
  upstreams: ["docker-hub"],
  values: (m) => {
    const hub = mirrorRegistry(m, "docker-hub").apply((registry) => `${registry}/istio`);
    return { hub, global: { hub } };
  },
};
