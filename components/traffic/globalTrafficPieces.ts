/**
 * The pieces of a GlobalTraffic, one function each, in the order the component creates them: the hosted zone (or
 * the given one), health checks and routing records, the regional certificates and their shared validation record,
 * the regional WAF web ACLs and the Shield Advanced protections. Child names are the component's own (`<name>-…`):
 * moving a piece here renames nothing.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { regionCode } from "../shared/regions";
import { GlobalTrafficArgs, healthCheckArgsOf, recordArgsOf, TrafficSettings, webAclRulesOf } from "./globalTrafficArgs";

/** What every piece needs: the component (parent and name prefix), its arguments and the choices resolved once. */
export interface GlobalTrafficContext {
  readonly name: string;
  readonly parent: pulumi.ComponentResource;
  readonly args: GlobalTrafficArgs;
  readonly settings: TrafficSettings;
  readonly protect: boolean;
  readonly tags: Record<string, string>;
}

/** The zone this component creates (protected where the environment says so), or the given hosted zone. */
export function resolveZone(ctx: GlobalTrafficContext): { zoneId: pulumi.Output<string>; nameServers: pulumi.Output<string[] | undefined> } {
  const { name, parent, args, protect, tags } = ctx;
  if (!args.createZone) return { zoneId: pulumi.output(args.hostedZoneId as pulumi.Input<string>), nameServers: pulumi.output(undefined) };
  const zone = new aws.route53.Zone(
    `${name}-zone`,
    { name: args.zoneName ?? args.domainName, comment: `Global entry for ${args.domainName}`, forceDestroy: false, tags },
    // Deleting a delegated zone takes the whole hostname offline, and a new zone gets new name servers.
    { parent, protect },
  );
  return { zoneId: zone.zoneId, nameServers: zone.nameServers };
}

/** Per endpoint, its Route 53 health check and the routing record that uses it. */
export function createEndpointRecords(
  ctx: GlobalTrafficContext,
  zoneId: pulumi.Output<string>,
): { healthCheckIds: Record<string, pulumi.Output<string>>; records: aws.route53.Record[] } {
  const { name, parent, args, settings, tags } = ctx;
  const healthCheckIds: Record<string, pulumi.Output<string>> = {};
  const records: aws.route53.Record[] = [];
  args.endpoints.forEach((e, i) => {
    const code = regionCode(e.region);
    const check = new aws.route53.HealthCheck(`${name}-hc-${code}`, healthCheckArgsOf(args.domainName, e, settings, tags), { parent });
    healthCheckIds[e.region] = check.id;
    records.push(new aws.route53.Record(`${name}-${code}`, recordArgsOf(args.domainName, zoneId, args.routing, e, i, check.id, settings), { parent }));
  });
  return { healthCheckIds, records };
}

/** Certificates: one per region; the validation record is shared (ACM issues the same one in every region). */
export function createCertificates(ctx: GlobalTrafficContext, zoneId: pulumi.Output<string>): Record<string, pulumi.Output<string>> {
  const { name, parent, args, tags } = ctx;
  const certificates = args.endpoints.map(
    (e) =>
      new aws.acm.Certificate(
        `${name}-cert-${regionCode(e.region)}`,
        { domainName: args.domainName, validationMethod: "DNS", keyAlgorithm: "EC_prime256v1", tags },
        { parent, provider: args.providers[e.region] },
      ),
  );
  const option = certificates[0].domainValidationOptions.apply((options) => {
    const found = options.find((o) => o.domainName === args.domainName);
    if (!found) throw new Error(`ACM returned no DNS validation option for ${args.domainName}`);
    return found;
  });
  const validationRecord = new aws.route53.Record(
    `${name}-cert-validation`,
    {
      zoneId,
      name: option.resourceRecordName,
      type: option.resourceRecordType,
      records: [option.resourceRecordValue],
      ttl: 300,
      // Another stack's certificate for the same name may already have written this exact record.
      allowOverwrite: true,
    },
    { parent },
  );
  const certificateArns: Record<string, pulumi.Output<string>> = {};
  args.endpoints.forEach((e, i) => {
    const validation = new aws.acm.CertificateValidation(
      `${name}-cert-validation-${regionCode(e.region)}`,
      { certificateArn: certificates[i].arn, validationRecordFqdns: [validationRecord.fqdn] },
      { parent, provider: args.providers[e.region] },
    );
    certificateArns[e.region] = validation.certificateArn;
  });
  return certificateArns;
}

/** One regional WAF web ACL per endpoint region, with the provider of that region. */
export function createWebAcls(ctx: GlobalTrafficContext): Record<string, pulumi.Output<string>> {
  const { name, parent, args, tags } = ctx;
  const webAclArns: Record<string, pulumi.Output<string>> = {};
  for (const e of args.endpoints) {
    const code = regionCode(e.region);
    const acl = new aws.wafv2.WebAcl(
      `${name}-waf-${code}`,
      {
        scope: "REGIONAL",
        description: `Edge protection for ${args.domainName} in ${e.region}`,
        defaultAction: { allow: {} },
        rules: webAclRulesOf(args.waf),
        visibilityConfig: { cloudwatchMetricsEnabled: true, sampledRequestsEnabled: true, metricName: `${name}-${code}` },
        tags,
      },
      { parent, provider: args.providers[e.region] },
    );
    webAclArns[e.region] = acl.arn;
  }
  return webAclArns;
}

/** Shield Advanced: the zone, and each endpoint whose load balancer ARN is known. */
export function createShieldProtections(ctx: GlobalTrafficContext, zoneId: pulumi.Output<string>): void {
  const { name, parent, args, tags } = ctx;
  if (!args.shieldAdvanced) return;
  new aws.shield.Protection(`${name}-shield-zone`, { name: `${name}-zone`, resourceArn: pulumi.interpolate`arn:aws:route53:::hostedzone/${zoneId}`, tags }, { parent });
  for (const e of args.endpoints) {
    if (e.loadBalancerArn === undefined) continue;
    const code = regionCode(e.region);
    new aws.shield.Protection(`${name}-shield-${code}`, { name: `${name}-${code}`, resourceArn: e.loadBalancerArn, tags }, { parent, provider: args.providers[e.region] });
  }
}
