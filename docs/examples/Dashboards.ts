import * as k8s from "@pulumi/kubernetes";
import { Dashboards } from "production-platform";

// The regional cluster's provider, e.g. `new k8s.Provider("use1", { kubeconfig: cluster.kubeconfig })`.
const cluster = new k8s.Provider("use1", {});

// The standard dashboards (service RED + SLO, cluster capacity, data tier) in the namespace Grafana's sidecar watches.
export const dashboards = new Dashboards("use1-dashboards", {
  namespace: "monitoring",
}, { provider: cluster });
