import * as k8s from "@pulumi/kubernetes";
import { HaService } from "production-platform";

// The regional cluster's provider, e.g. `new k8s.Provider("use1", { kubeconfig: cluster.kubeconfig })`.
const cluster = new k8s.Provider("use1", {});

export const checkout = new HaService("checkout", {
  namespace: "payments",
  environment: "prod",
  image: "ghcr.io/acme/checkout:1.6.0",
  port: 8080,
  probes: { liveness: { httpPath: "/healthz" }, readiness: { httpPath: "/ready" } },
  allowedCallers: [{ namespace: "storefront" }],
  expose: { ingressControllerNamespace: "ingress-nginx" },
}, { provider: cluster });
