/**
 * RegionalIngress: the load balancer GlobalTraffic points at, in one region — the AWS Load Balancer Controller,
 * external-dns and one Ingress per published service, all sharing a single internet-facing ALB.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { RegionalIngressArgs, resolveRegionalIngressArgs, validateRegionalIngressArgs } from "./regionalIngressArgs";
import { createExternalDns, createLoadBalancerController, createPublishedIngresses, RegionalIngressContext } from "./regionalIngressPieces";

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

    const ctx: RegionalIngressContext = { name, parent: this, args, r, tags, partition, oidc };

    const { role: controllerRole, controller } = createLoadBalancerController(ctx);
    const externalDnsRole = createExternalDns(ctx);
    const ingresses = createPublishedIngresses(ctx, controller);

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
