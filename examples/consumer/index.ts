/**
 * An application team's program: its tenant (namespace, quotas, RBAC, default-deny network policies) on the
 * platform's cluster, and one highly available service in it. Everything else (network, cluster, add-ons) belongs to
 * the platform team's stack; this program only needs the cluster's name and credentials.
 */
import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { Environments, HaService, Tenant } from "production-platform";

const config = new pulumi.Config();
// Pulumi checks the value against the allowed list and types it as the platform's Environment.
const environment = config.require("environment", { allowedValues: [...Environments] });
const kubernetesVersion = config.require("kubernetesVersion");

const aws_ = new aws.Provider("aws", { region: "us-east-1" });
// Without a `kubeconfig` secret the provider uses the ambient KUBECONFIG, as CI runners usually have it.
const cluster = new k8s.Provider("cluster", { kubeconfig: config.getSecret("kubeconfig") });

const tenant = new Tenant("shop", {
  tenant: "shop",
  environment,
  kubernetesVersion,
  clusterName: config.require("clusterName"),
  teamRoleArns: ["arn:aws:iam::111122223333:role/shop-engineers"],
}, { providers: [aws_, cluster] });

const checkout = new HaService("checkout", {
  namespace: "shop",
  environment,
  image: "ghcr.io/acme/checkout:1.6.0",
  port: 8080,
  probes: { liveness: { httpPath: "/healthz" }, readiness: { httpPath: "/ready" } },
  expose: { ingressControllerNamespace: "ingress-nginx" },
}, { provider: cluster, dependsOn: [tenant] });

export const serviceHost = checkout.serviceHost;
export const namespaces = tenant.namespaces;
