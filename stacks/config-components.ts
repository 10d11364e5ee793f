/**
 * Config validation by the components' own validators: each rule lives once, in the component that would refuse the
 * value at build time, and the config runs it on the arguments the platform will pass, before anything registers.
 * The components speak of their own properties (`natGateways`, `autoscaling.minReplicas`, `slos[0].objective`);
 * here each is mapped back to the YAML key it came from, with a fix written for the YAML, not for TypeScript.
 */
import type * as aws from "@pulumi/aws";
import { dataTierProblems } from "../components/data/validation";
import { checkSlo } from "../components/monitoring/sloValidation";
import { networkProblems } from "../components/network/validation";
import type { NatGateways } from "../components/network/types";
import { cidrOverlapProblems } from "../components/network/cidr";
import type { Environment } from "../components/shared/environment";
import { Problem, Problems } from "../components/shared/validation";
import type { HaServiceArgs } from "../components/workload/haServiceArgs";
import { haServiceProblems } from "../components/workload/haServiceValidation";
import type { ServiceConfig } from "./config";
import { configKey } from "./config-values";

/**
 * Zone names standing in for the ones the account offers (known only after getAvailabilityZones, stacks/zones.ts):
 * the first `count` letters, which is what the components' zone and subnet-slot rules judge.
 */
function standInZones(region: string, count: number): string[] {
  return "abcdefgh".slice(0, Math.max(0, count)).split("").map((letter) => `${region}${letter}`);
}

/** A component property (exact, or a prefix followed by `.` or `[`) and the config key it comes from. */
interface KeyMap {
  readonly property: string;
  readonly key: string;
  /** The YAML fix, or one made from the component's own problem; @default "set <key> in Pulumi.<stack>.yaml to <the component's rule>" */
  readonly fix?: string | ((p: Problem) => string);
}

function matches(property: string, map: KeyMap): boolean {
  return property === map.property || property.startsWith(`${map.property}.`) || property.startsWith(`${map.property}[`);
}

/**
 * The component's problems, named by config key. A property no map names goes to `fallback` with the component's
 * property in the rule, so nothing a component would refuse is dropped on the way.
 */
export function asConfigProblems(problems: readonly Problem[], maps: readonly KeyMap[], fallback: string, component: string): Problem[] {
  return problems.map((p) => {
    const map = maps.find((m) => matches(p.property, m));
    const key = configKey(map?.key ?? fallback);
    const rule = map ? p.rule : `${p.rule} (${component}: ${p.property})`;
    const fix = typeof map?.fix === "function" ? map.fix(p) : map?.fix;
    return { property: key, value: p.value, rule, fix: fix ?? `set ${key} in Pulumi.<stack>.yaml to ${p.rule}` };
  });
}

/** Adds problems, skipping a key that already has one: one message per key, the config's own (more specific) first. */
export function addOncePerKey(problems: Problems, found: readonly Problem[]): void {
  for (const p of found) if (!problems.list.some((q) => q.property === p.property)) problems.add(p);
}

export interface NetworkInput {
  readonly environment: Environment;
  readonly region: string;
  readonly zones: number;
  readonly cidr: unknown;
  readonly natGateways: string;
  readonly transitGatewayId?: string;
  readonly routedCidrs: readonly string[];
}

/** The Network component's validator on the arguments stacks/platform.ts passes for one region. */
export function networkConfigProblems(n: NetworkInput): Problem[] {
  const cidrKey = `vpcCidrs.${n.region}`;
  const found = networkProblems({
    region: n.region,
    environment: n.environment,
    cidrBlock: n.cidr as string,
    availabilityZones: standInZones(n.region, n.zones),
    natGateways: n.natGateways as NatGateways,
    transitGateway: n.transitGatewayId && n.routedCidrs.length > 0 ? { id: n.transitGatewayId, routedCidrs: [...n.routedCidrs] } : undefined,
  });
  return asConfigProblems(found, [
    { property: "natGateways", key: "natGateways", fix: `set ${configKey("natGateways")}: OnePerZone in Pulumi.<stack>.yaml (pulumi config set ${configKey("natGateways")} OnePerZone)` },
    // The network's fix names the range to use (e.g. "use 10.20.0.0/16"); said here as the YAML command.
    { property: "cidrBlock", key: cidrKey, fix: (p) => `${p.fix}: pulumi config set --path '${configKey("vpcCidrs")}["${n.region}"]' <a private /16 to /20, e.g. 10.10.0.0/16>` },
    { property: "availabilityZones", key: "availabilityZones" },
    { property: "transitGateway", key: `clusterApiAccess.transitGatewayIds.${n.region}` },
  ], cidrKey, `Network in ${n.region}`);
}

/** Regions' VPC ranges must not overlap (the network area's overlap check), named by their config key. */
export function vpcOverlapProblems(cidrs: Readonly<Record<string, string>>): Problem[] {
  const found = cidrOverlapProblems(cidrs, "vpcCidrs");
  return found.map((p) => ({ ...p, property: configKey(p.property.replace(/\["([^"]+)"\]$/, ".$1")), fix: `${p.fix} (pulumi config set --path '${configKey("vpcCidrs")}[...]')` }));
}

export interface DataTierInput {
  readonly environment: Environment;
  readonly regions: readonly string[];
  readonly zones: number;
  readonly recoveryObjectives: { readonly rpoSeconds: number; readonly rtoSeconds: number };
  readonly rotationDays: number;
}

/**
 * Stand-in for what only exists once the program runs (providers, VPC and subnet ids): the data tier's validator
 * judges the plain values (environment, region count, objectives, rotation) and only checks these are present.
 */
const LATE_BOUND = "(created by the program)";

/** The DataTier component's validator on the arguments stacks/platform.ts passes. */
export function dataTierConfigProblems(d: DataTierInput): Problem[] {
  const found = dataTierProblems({
    environment: d.environment,
    recoveryObjectives: d.recoveryObjectives,
    rotation: { days: d.rotationDays },
    regions: d.regions.map((region) => ({
      region,
      provider: LATE_BOUND as unknown as aws.Provider,
      vpcId: LATE_BOUND,
      privateSubnetIds: [LATE_BOUND],
      allowedSecurityGroupIds: [LATE_BOUND],
      availabilityZones: standInZones(region, d.zones),
    })),
  });
  return asConfigProblems(found, [
    { property: "regions", key: "regions", fix: `list the regions in ${configKey("regions")} in Pulumi.<stack>.yaml (the primary first)` },
    { property: "recoveryObjectives", key: "recoveryObjectives" },
    { property: "rotation", key: "databaseRotationDays" },
  ], "recoveryObjectives", "DataTier");
}

/** The fields of a configured service the platform builds its HaService from (it adds the region's image host and the ALB ranges). */
export type ServiceInput = Pick<ServiceConfig, "name" | "tenant" | "image" | "port" | "minReplicas" | "maxReplicas" | "healthPath" | "callers">;

/** The plain HaService arguments of a configured service: one definition for the platform, the quota and validation. */
export function haServiceArgsOf(environment: Environment, svc: ServiceInput): HaServiceArgs {
  return {
    namespace: svc.tenant,
    appName: svc.name,
    partOf: svc.tenant,
    image: svc.image,
    port: svc.port,
    environment,
    autoscaling: { minReplicas: svc.minReplicas, maxReplicas: svc.maxReplicas },
    probes: { liveness: { httpPath: svc.healthPath }, readiness: { httpPath: svc.healthPath }, startup: { httpPath: svc.healthPath } },
    allowedCallers: [...svc.callers.map((namespace) => ({ namespace })), { namespace: "monitoring" }],
  };
}

/** HaService's validator and the monitoring stack's SLO validator on a configured service (`services[i]`). */
export function serviceConfigProblems(environment: Environment, svc: ServiceInput & { readonly sloObjective: number }, index: number): Problem[] {
  const at = `services[${index}]`;
  const service = haServiceProblems(haServiceArgsOf(environment, svc), svc.name);
  const slo = new Problems();
  checkSlo(slo, "slo", { name: svc.name, namespace: svc.tenant, objective: svc.sloObjective });
  return [
    ...asConfigProblems(service, [
      { property: "appName", key: `${at}.name` },
      { property: "namespace", key: `${at}.tenant` },
      { property: "image", key: `${at}.image`, fix: `pin ${configKey(`${at}.image`)} in Pulumi.<stack>.yaml, e.g. ghcr.io/acme/checkout:1.4.2 or <repository>@sha256:<64 hex>` },
      { property: "port", key: `${at}.port` },
      { property: "autoscaling.minReplicas", key: `${at}.minReplicas`, fix: `raise ${configKey(`${at}.minReplicas`)} in Pulumi.<stack>.yaml to the environment's floor` },
      { property: "autoscaling.maxReplicas", key: `${at}.maxReplicas` },
      { property: "probes", key: `${at}.healthPath` },
    ], at, `HaService ${svc.name}`),
    ...asConfigProblems(slo.list, [
      { property: "slo.objective", key: `${at}.sloObjective`, fix: `set ${configKey(`${at}.sloObjective`)} in percent, e.g. 99.9 (not 0.999)` },
      { property: "slo.name", key: `${at}.name` },
      { property: "slo.namespace", key: `${at}.tenant` },
    ], at, `SLO of ${svc.name}`),
  ];
}
