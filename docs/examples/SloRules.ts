import * as k8s from "@pulumi/kubernetes";
import { SloRules } from "production-platform";

// The regional cluster's provider, e.g. `new k8s.Provider("use1", { kubeconfig: cluster.kubeconfig })`.
const cluster = new k8s.Provider("use1", {});

// Pass the kube-prometheus-stack release in `dependsOn` so the rule waits for the PrometheusRule CRD.
export const checkoutSlo = new SloRules("use1-slo-checkout", {
  slo: { name: "checkout", namespace: "payments", objective: 99.9 },
}, { provider: cluster });
