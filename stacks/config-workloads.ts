/**
 * The stack config's workload keys: domain, tenants, services and who gets told. What HaService, the SLO rules and
 * the Tenant quota would refuse is asked of them (config-components.ts, components/security/quota.ts); the checks
 * here are the ones only the config can make (references between tenants and services, unique paths).
 */
import { checkQuotaAndLimits, checkWorkloadsFitQuota, quotaForWorkloads, resolveLimits, WorkloadFootprint } from "../components/security/quota";
import { Environment, environmentProfile } from "../components/shared/environment";
import { isDns1035Label } from "../components/shared/kubernetes";
import { checkOneOf, Problems } from "../components/shared/validation";
import { DeliveryStrategy } from "../components/delivery/deliveryArgs";
import { haServiceFootprint } from "../components/workload/haServiceSpec";
import { addOncePerKey, haServiceArgsOf, ServiceInput, serviceConfigProblems } from "./config-components";
import type { ServiceConfig, TenantConfig } from "./config";
import { asArray, asRecord, configKey as key, ROLE_ARN } from "./config-values";

/** Namespaces a tenant may not take. */
const SYSTEM_NAMESPACES = ["default", "kube-system", "kube-public", "kube-node-lease"];
/** Tenant and service names become parts of resource names (`<region>-<tenant>-…`): 40 leaves room for suffixes. */
const MAX_NAME = 40;

export const DataStores = ["postgres", "redis"] as const;
export type DataStore = (typeof DataStores)[number];

type Tenant = TenantConfig;
type Service = ServiceConfig;

export function parseDomain(problems: Problems, raw: unknown): { name: string; hostedZoneId: string; zoneName: string } {
  const domain = asRecord(raw) ?? {};
  problems.check(typeof domain.name === "string" && /^([a-z0-9]([-a-z0-9]*[a-z0-9])?\.)+[a-z]{2,}$/.test(domain.name), {
    property: `${key("domain")}.name`, value: domain.name, rule: "a fully qualified DNS name", fix: "set domain.name, e.g. app.example.com",
  });
  problems.check(typeof domain.hostedZoneId === "string" && /^Z[A-Z0-9]{1,31}$/.test(domain.hostedZoneId), {
    property: `${key("domain")}.hostedZoneId`, value: domain.hostedZoneId, rule: "a Route 53 hosted zone id (Z...)", fix: "copy the zone id from Route 53",
  });
  problems.check(typeof domain.zoneName === "string" && typeof domain.name === "string" && (domain.name === domain.zoneName || domain.name.endsWith(`.${domain.zoneName}`)), {
    property: `${key("domain")}.zoneName`, value: domain.zoneName,
    rule: `the name of the hosted zone hostedZoneId, equal to or a parent of domain.name (${JSON.stringify(domain.name)}): a record outside its zone is refused`,
    fix: `pulumi config set --path '${key("domain")}.zoneName' <zone name from Route 53>, e.g. example.com`,
  });
  return { name: domain.name as string, hostedZoneId: domain.hostedZoneId as string, zoneName: domain.zoneName as string };
}

export function parseTenants(problems: Problems, raw: unknown): Tenant[] {
  const tenants: Tenant[] = [];
  (asArray(raw) ?? []).forEach((t, i) => {
    const tenant = asRecord(t) ?? {};
    const prop = `${key("tenants")}[${i}]`;
    const nameOk = problems.check(isDns1035Label(tenant.name, MAX_NAME) && !SYSTEM_NAMESPACES.includes(tenant.name), {
      property: `${prop}.name`, value: tenant.name, rule: `a DNS label of at most ${MAX_NAME} characters that is not a system namespace`,
      fix: "use lower-case letters, digits and '-', e.g. payments",
    });
    const roles = asArray(tenant.teamRoleArns ?? []) ?? [];
    roles.forEach((arn, j) => problems.check(typeof arn === "string" && ROLE_ARN.test(arn), {
      property: `${prop}.teamRoleArns[${j}]`, value: arn, rule: "an IAM role ARN", fix: "use arn:aws:iam::<account>:role/<name>",
    }));
    if (nameOk && tenants.some((x) => x.name === tenant.name)) {
      problems.add({ property: `${prop}.name`, value: tenant.name, rule: "unique tenant names", fix: "merge or rename the duplicate tenant" });
    }
    const quota = tenant.quota === undefined ? undefined : (asRecord(tenant.quota) as Tenant["quota"]);
    problems.check(tenant.quota === undefined || quota !== undefined, {
      property: `${prop}.quota`, value: tenant.quota, rule: "an object { requestsCpu, requestsMemory, limitsCpu, limitsMemory, pods }", fix: "leave quota out to size it from the services",
    });
    if (nameOk) tenants.push({ name: tenant.name as string, teamRoleArns: roles as string[], ...(quota ? { quota } : {}) });
  });
  return tenants;
}

/** A service with the profile's defaults applied; nothing checked yet. */
function serviceOf(env: Environment, svc: Record<string, unknown>): Service {
  return {
    name: svc.name as string,
    tenant: svc.tenant as string,
    image: svc.image as string,
    port: (svc.port as number) ?? 8080,
    minReplicas: (svc.minReplicas as number) ?? environmentProfile(env).defaultMinReplicas,
    maxReplicas: (svc.maxReplicas as number) ?? 20,
    sloObjective: (svc.sloObjective as number) ?? 99.9,
    healthPath: (svc.healthPath as string) ?? "/healthz",
    ingressPath: (svc.ingressPath as string) ?? "/",
    callers: (asArray(svc.callers) ?? []) as string[],
    databases: (asArray(svc.databases) ?? []) as DataStore[],
    delivery: (svc.delivery as DeliveryStrategy) ?? environmentProfile(env).defaultDelivery,
  };
}

/** What only the config can check of a service: names, references to tenants, a path of its own. */
function checkServiceReferences(problems: Problems, service: Service, prop: string, tenants: readonly Tenant[], earlier: readonly Service[]): void {
  service.databases.forEach((d, j) => checkOneOf(problems, `${prop}.databases[${j}]`, d, DataStores));
  checkOneOf(problems, `${prop}.delivery`, service.delivery, Object.values(DeliveryStrategy));
  problems.check(isDns1035Label(service.name, MAX_NAME), {
    property: `${prop}.name`, value: service.name, rule: `a DNS label of at most ${MAX_NAME} characters`, fix: "use lower-case letters, digits and '-'",
  });
  problems.check(tenants.some((t) => t.name === service.tenant), {
    property: `${prop}.tenant`, value: service.tenant, rule: `one of the configured tenants (${tenants.map((t) => t.name).join(", ") || "none"})`,
    fix: "add the tenant to tenants or correct the name",
  });
  problems.check(typeof service.ingressPath === "string" && /^\/[A-Za-z0-9._~/-]*$/.test(service.ingressPath), {
    property: `${prop}.ingressPath`, value: service.ingressPath, rule: "a URL path starting with /", fix: "use e.g. /checkout",
  });
  const clash = earlier.find((other) => other.ingressPath === service.ingressPath);
  problems.check(clash === undefined, {
    property: `${prop}.ingressPath`, value: service.ingressPath, rule: `a path no other service uses (${clash?.name} has it)`,
    fix: `give ${service.name} its own prefix, e.g. /${service.name}`,
  });
  service.callers.forEach((c, j) => problems.check(tenants.some((t) => t.name === c), {
    property: `${prop}.callers[${j}]`, value: c, rule: "a configured tenant", fix: "add the tenant or remove the caller",
  }));
}

export function parseServices(problems: Problems, env: Environment, raw: unknown, tenants: readonly Tenant[]): Service[] {
  const services: Service[] = [];
  (asArray(raw) ?? []).forEach((s, i) => {
    const service = serviceOf(env, asRecord(s) ?? {});
    checkServiceReferences(problems, service, `${key("services")}[${i}]`, tenants, services);
    // Image, port, replica floor, probes and SLO: HaService's and the SLO rules' own validators.
    addOncePerKey(problems, serviceConfigProblems(env, service, i));
    services.push(service);
  });
  checkTenantQuotas(problems, env, tenants, services);
  problems.check(!environmentProfile(env).requireServices || services.length > 0, {
    property: key("services"), value: raw ?? [], rule: `at least one service in ${env}`, fix: `declare the services ${env} runs` });
  return services;
}

/** What a configured service holds at its peak; the platform builds its HaService from the same arguments. */
export function serviceFootprint(env: Environment, svc: ServiceInput & Pick<ServiceConfig, "delivery">): WorkloadFootprint {
  // Only the strategy changes the footprint (a Rollout holds both versions at full size at its last step).
  return haServiceFootprint(svc.name, { ...haServiceArgsOf(env, svc), delivery: { strategy: svc.delivery } });
}

/**
 * Each tenant's quota (explicit fields, the rest sized from its services) must hold its services at their peak:
 * the same rule the Tenant component applies, run here so a bad config exits 2 before anything registers.
 */
function checkTenantQuotas(problems: Problems, env: Environment, tenants: readonly Tenant[], services: readonly Service[]): void {
  tenants.forEach((tenant, i) => {
    const workloads = services.filter((s) => s.tenant === tenant.name && typeof s.name === "string").map((s) => serviceFootprint(env, s));
    const quota = quotaForWorkloads(workloads, tenant.quota);
    const sub = new Problems();
    checkQuotaAndLimits(sub, quota, resolveLimits());
    checkWorkloadsFitQuota(sub, key(`tenants[${i}].quota`), workloads, quota, resolveLimits());
    for (const p of sub.list) problems.add(p.property.startsWith(key("")) ? p : { ...p, property: key(`tenants[${i}].${p.property}`) });
  });
}

/** `alertEmails` and `platformAdminRoleArns`. */
export function parsePeople(problems: Problems, rawEmails: unknown, rawAdmins: unknown): { emails: string[]; admins: string[] } {
  const emails = (asArray(rawEmails ?? []) ?? []) as unknown[];
  emails.forEach((e, i) => problems.check(typeof e === "string" && /^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(e), {
    property: `${key("alertEmails")}[${i}]`, value: e, rule: "an e-mail address", fix: "correct the address",
  }));
  const admins = (asArray(rawAdmins ?? []) ?? []) as unknown[];
  admins.forEach((arn, i) => problems.check(typeof arn === "string" && ROLE_ARN.test(arn), {
    property: `${key("platformAdminRoleArns")}[${i}]`, value: arn, rule: "an IAM role ARN", fix: "use arn:aws:iam::<account>:role/<name>",
  }));
  return { emails: emails as string[], admins: admins as string[] };
}
