/**
 * RegionalIngress: the load balancer GlobalTraffic points at, in one region — the AWS Load Balancer Controller,
 * external-dns and one Ingress per published service, all sharing a single internet-facing ALB.
 */
import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { createIrsaRole } from "../cluster";
import { mirrored } from "../shared/mirror";
import { INGRESS_CHART_IMAGES, INGRESS_CHARTS, ingressNameOf, RegionalIngressArgs, resolveRegionalIngressArgs, validateRegionalIngressArgs } from "./regionalIngressArgs";
import {
  canaryActionAnnotationOf,
  EXTERNAL_DNS,
  externalDnsPolicy,
  externalDnsValues,
  groupOrderOf,
  ingressAnnotationsOf,
  ingressSpecOf,
  LOAD_BALANCER_CONTROLLER,
  loadBalancerAttributesOf,
  loadBalancerControllerPolicy,
  loadBalancerControllerValues,
} from "./regionalIngressSpec";

export * from "./regionalIngressArgs";
export * from "./regionalIngressSpec";

/** One published service's Ingress. */
export interface PublishedIngress {
  readonly namespace: string;
  readonly name: pulumi.Output<string>;
  readonly serviceName: string;
  readonly path: string;
  /** The regional hostname, then the public one. */
  readonly hosts: readonly string[];
}

/**
 * Pass both the region's `aws.Provider` and the cluster's `k8s.Provider` (`providers: [aws, k8s]`): IAM roles use
 * the first, the Helm releases and Ingresses the second.
 *
 * - **One ALB per region.** Every Ingress joins the IngressGroup `groupName`, so the controller builds a single
 *   internet-facing ALB with an HTTPS:443 listener only (ACM certificate, TLS 1.2+ policy, the regional WAF web ACL)
 *   and one rule per service, longer path prefixes first. Targets are pod IPs, so the services' NetworkPolicies must
 *   admit the load balancer subnets (HaService `expose.loadBalancerCidrs`).
 * - **DNS.** external-dns keeps `ingress.<region>.<domain>` pointed at the ALB (upsert-only: it never deletes). Each
 *   Ingress also serves the public `domainName`, whose records GlobalTraffic owns; external-dns is told to ignore
 *   Ingress hosts and publish the hostname annotation only, so it never writes the public name.
 * - **Least privilege.** Each controller has its own IRSA role bound to its service account only; the load balancer
 *   controller can change only resources tagged `elbv2.k8s.aws/cluster`, external-dns only records in one zone.
 * - **Prod.** At least one service is required and the ALB has deletion protection.
 */
export class RegionalIngress extends pulumi.ComponentResource {
  /** `ingress.<region>.<domainName>`, kept by external-dns; GlobalTraffic's `loadBalancerDnsName` for this region. */
  public readonly regionalHostname: string;
  public readonly publicHostname: string;
  public readonly ingresses: readonly PublishedIngress[];
  /** DNS name of the shared ALB once the controller has built it; undefined without services. */
  public readonly loadBalancerHostname: pulumi.Output<string | undefined>;
  public readonly controllerRoleArn: pulumi.Output<string>;
  public readonly externalDnsRoleArn: pulumi.Output<string>;

  constructor(name: string, args: RegionalIngressArgs, opts?: pulumi.ComponentResourceOptions) {
    validateRegionalIngressArgs(name, args);
    super("production-platform:traffic:RegionalIngress", name, {}, opts);

    const r = resolveRegionalIngressArgs(args);
    const tags = { ...(args.tags ?? {}), "production-platform:component": name };
    const partition = aws.getPartitionOutput({}, { parent: this }).partition;
    const oidc = { providerArn: pulumi.output(args.oidcProviderArn), issuerUrl: pulumi.output(args.oidcIssuer) };

    const controllerRole = createIrsaRole(
      `${name}-lb-controller`,
      {
        oidc,
        namespace: LOAD_BALANCER_CONTROLLER.namespace,
        serviceAccount: LOAD_BALANCER_CONTROLLER.serviceAccount,
        inlinePolicy: partition.apply(loadBalancerControllerPolicy),
        partition,
        tags,
      },
      this,
    );
    const controllerImages = mirrored(
      loadBalancerControllerValues(r, { clusterName: args.clusterName, vpcId: args.vpcId, roleArn: controllerRole.arn, tags }),
      INGRESS_CHART_IMAGES.loadBalancerController, args.imageMirror, `${name}-lb-controller`,
    );
    const controller = new k8s.helm.v3.Release(
      `${name}-lb-controller`,
      {
        name: LOAD_BALANCER_CONTROLLER.releaseName,
        namespace: LOAD_BALANCER_CONTROLLER.namespace,
        chart: INGRESS_CHARTS.loadBalancerController.chart,
        version: r.controllerVersion,
        repositoryOpts: { repo: INGRESS_CHARTS.loadBalancerController.repo },
        values: controllerImages.values,
        atomic: true,
      },
      { parent: this, dependsOn: controllerImages.dependsOn },
    );

    const externalDnsRole = createIrsaRole(
      `${name}-external-dns`,
      {
        oidc,
        namespace: EXTERNAL_DNS.namespace,
        serviceAccount: EXTERNAL_DNS.serviceAccount,
        inlinePolicy: pulumi.all([partition, args.hostedZoneId]).apply(([p, zone]) => externalDnsPolicy(p, zone)),
        partition,
        tags,
      },
      this,
    );
    const externalDnsImages = mirrored(
      externalDnsValues(r, { clusterName: args.clusterName, hostedZoneId: args.hostedZoneId, roleArn: externalDnsRole.arn }),
      INGRESS_CHART_IMAGES.externalDns, args.imageMirror, `${name}-external-dns`,
    );
    new k8s.helm.v3.Release(
      `${name}-external-dns`,
      {
        name: EXTERNAL_DNS.releaseName,
        namespace: EXTERNAL_DNS.namespace,
        chart: INGRESS_CHARTS.externalDns.chart,
        version: r.externalDnsVersion,
        repositoryOpts: { repo: INGRESS_CHARTS.externalDns.repo },
        values: externalDnsImages.values,
        atomic: true,
      },
      { parent: this, dependsOn: externalDnsImages.dependsOn },
    );

    const loadBalancerAttributes = loadBalancerAttributesOf(
      r,
      args.accessLogs ? { bucket: args.accessLogs.bucket, prefix: args.accessLogs.prefix ?? name } : undefined,
    );
    const order = groupOrderOf(r.services);
    const ingresses = r.services.map((s, i) => {
      const ingress = new k8s.networking.v1.Ingress(
        `${name}-${s.namespace}-${s.serviceName}`,
        {
          metadata: {
            name: ingressNameOf(s.serviceName, r.groupName),
            namespace: s.namespace,
            labels: { "app.kubernetes.io/name": s.serviceName, "app.kubernetes.io/managed-by": "pulumi" },
            annotations: ingressAnnotationsOf(r, {
              healthCheckPath: s.healthCheckPath,
              order: order[i],
              certificateArn: args.certificateArn,
              webAclArn: args.webAclArn,
              loadBalancerAttributes,
            }),
            ...(s.canaryServiceName ? canaryActionAnnotationOf(s.serviceName, s.canaryServiceName, s.servicePort) : {}),
          },
          spec: ingressSpecOf(r, s),
        },
        // The controller's admission webhook validates Ingresses, and it must outlive them to remove the ALB on delete.
        // A canary's weights belong to the Rollouts controller once created: Pulumi must not reset them mid-release.
        {
          parent: this,
          dependsOn: [controller],
          ...(s.canaryServiceName ? { ignoreChanges: [`metadata.annotations["${Object.keys(canaryActionAnnotationOf(s.serviceName, s.canaryServiceName, s.servicePort))[0]}"]`] } : {}),
        },
      );
      return { ingress, published: { namespace: s.namespace, name: ingress.metadata.name, serviceName: s.serviceName, path: s.path, hosts: [r.regionalHostname, r.domainName] } };
    });

    this.regionalHostname = r.regionalHostname;
    this.publicHostname = r.domainName;
    this.ingresses = ingresses.map((i) => i.published);
    this.loadBalancerHostname =
      ingresses.length > 0 ? ingresses[0].ingress.status.apply((status) => status?.loadBalancer?.ingress?.[0]?.hostname) : pulumi.output(undefined);
    this.controllerRoleArn = controllerRole.arn;
    this.externalDnsRoleArn = externalDnsRole.arn;

    this.registerOutputs({
      regionalHostname: this.regionalHostname,
      publicHostname: this.publicHostname,
      ingresses: this.ingresses,
      loadBalancerHostname: this.loadBalancerHostname,
      controllerRoleArn: this.controllerRoleArn,
      externalDnsRoleArn: this.externalDnsRoleArn,
    });
  }
}
