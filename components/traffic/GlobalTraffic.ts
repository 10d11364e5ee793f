/**
 * GlobalTraffic: one hostname in front of several regional load balancers, with health-checked DNS failover or
 * latency routing, a certificate per region and a regional WAF web ACL per region.
 */
import * as pulumi from "@pulumi/pulumi";
import { environmentProfile } from "../shared/environment";
import { detectionSeconds, GlobalTrafficArgs, settingsOf, validateGlobalTrafficArgs } from "./globalTrafficArgs";
import { createCertificates, createEndpointRecords, createShieldProtections, createWebAcls, GlobalTrafficContext, resolveZone } from "./globalTrafficPieces";

export * from "./globalTrafficArgs";

/**
 * Health-checked global routing across regional endpoints.
 *
 * **Failover time.** With Route 53 (what this component uses) an endpoint is declared unhealthy after
 * `requestInterval` 10 s × `failureThreshold` (2 → 20 s, 3 → 30 s, the default), plus a few seconds for the checkers'
 * verdicts to aggregate; resolvers then hold the old answer for up to the record TTL (alias to an ALB: 60 s; CNAME:
 * `dnsTtl`, 60 s). Expect ≈ 60–100 s for most clients, longer for clients that pin DNS (JVMs with a cached
 * `networkaddress.cache.ttl`, long-lived keep-alive connections, which stay on the failed region until they break).
 *
 * With AWS Global Accelerator, clients connect to two static anycast IPs and never re-resolve: endpoint health is
 * checked every 10 or 30 s with a threshold of 3, and traffic moves in well under 30 s (typically seconds for an
 * unhealthy ALB), with a per-region traffic dial for gradual shifts and drills.
 *
 * **Why Route 53 here.** The regional ALBs are created by the AWS Load Balancer Controller from Kubernetes objects,
 * so their ARNs — which Global Accelerator endpoint groups require — are not known to this program; Route 53 works
 * from DNS names, including a stable per-region placeholder record kept by external-dns. It also costs a few dollars
 * a month instead of Global Accelerator's fixed fee plus per-GB premium, and latency routing comes for free. A
 * ~1–1.5 minute failover is inside our regional RTO; if that changes, Global Accelerator can front the same
 * endpoints once their ARNs are exported.
 *
 * **Regions.** Route 53, its health checks and Shield protections are global and use the component's own AWS
 * provider. ACM certificates and regional WAF web ACLs must be in the load balancer's region, so they are created
 * with `providers[endpoint.region]`. ACM's DNS validation record for a name is the same in every region of an
 * account, so it is written once and every regional certificate waits on it.
 */
export class GlobalTraffic extends pulumi.ComponentResource {
  /** The hostname clients use. */
  public readonly fqdn: pulumi.Output<string>;
  public readonly zoneId: pulumi.Output<string>;
  /** Name servers of a zone this component created, to delegate to; undefined when the zone was given. */
  public readonly nameServers: pulumi.Output<string[] | undefined>;
  /** Route 53 health check id per endpoint region. */
  public readonly healthCheckIds: Readonly<Record<string, pulumi.Output<string>>>;
  /** ARN of the validated ACM certificate per endpoint region (for the ALB's `certificate-arn` annotation). */
  public readonly certificateArns: Readonly<Record<string, pulumi.Output<string>>>;
  /** ARN of the regional WAF web ACL per endpoint region (for the ALB's `wafv2-acl-arn` annotation). */
  public readonly webAclArns: Readonly<Record<string, pulumi.Output<string>>>;
  /** Seconds from an endpoint failing to Route 53 marking it unhealthy (before DNS TTLs). */
  public readonly detectionSeconds: number;

  constructor(name: string, args: GlobalTrafficArgs, opts?: pulumi.ComponentResourceOptions) {
    validateGlobalTrafficArgs(name, args);
    super("production-platform:traffic:GlobalTraffic", name, {}, opts);

    const settings = settingsOf(args);
    const protect = environmentProfile(args.environment).protect;
    const tags = { ...(args.tags ?? {}), "production-platform:component": name };

    const ctx: GlobalTrafficContext = { name, parent: this, args, settings, protect, tags };

    const { zoneId, nameServers } = resolveZone(ctx);
    const { healthCheckIds, records } = createEndpointRecords(ctx, zoneId);
    const certificateArns = createCertificates(ctx, zoneId);
    const webAclArns = createWebAcls(ctx);
    createShieldProtections(ctx, zoneId);

    this.fqdn = records[0].name;
    this.zoneId = zoneId;
    this.nameServers = nameServers;
    this.healthCheckIds = healthCheckIds;
    this.certificateArns = certificateArns;
    this.webAclArns = webAclArns;
    this.detectionSeconds = detectionSeconds(settings);

    this.registerOutputs({
      fqdn: this.fqdn,
      zoneId: this.zoneId,
      nameServers: this.nameServers,
      healthCheckIds: this.healthCheckIds,
      certificateArns: this.certificateArns,
      webAclArns: this.webAclArns,
      detectionSeconds: this.detectionSeconds,
    });
  }
}
