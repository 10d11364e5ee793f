/**
 * Turns pure rules into CrossGuard policies. Everything packs have in common happens here, once:
 * - metadata (framework, control id, severity, remediation) becomes CrossGuard policy metadata;
 * - the `environment` config property (dev | staging | prod) reaches every rule;
 * - a rule that throws is reported as an advisory "rule could not evaluate" finding instead of failing the run;
 * - exemptions from `policy/exemptions.yaml` are applied: exempted → advisory with an `[exempted: ...]` prefix,
 *   expired → the normal violation with a note.
 */
import * as path from "path";
import type { PolicyResource, ReportViolation, ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { Environment, Environments, Finding, ResourceRule, RuleContext, StackRule, Subject, appliesTo } from "./finding";
import { Exemption, exemptedMessage, expiredMessage, findExemption, loadExemptions } from "./exemptions";
import { FRAMEWORK_INFO, RuleMeta } from "./metadata";
import { plain } from "./unknown";
import { COULD_NOT_EVALUATE } from "./wiring-messages";

export { COULD_NOT_EVALUATE };

/** Per-pack settings: where the pack lives (to find `../exemptions.yaml`) and the clock. */
export interface PackSettings {
  /** The pack's directory (`__dirname` of its index.ts). */
  readonly packDir: string;
  /** "Today" for exemption expiry; overridden by the `today` config property. @default the system clock */
  readonly now?: () => Date;
  /** Exemptions file. @default `<packDir>/../exemptions.yaml`, overridden by the `exemptionsFile` config property */
  readonly exemptionsFile?: string;
}

/** Config properties every policy accepts, on top of the enforcement level. */
export const COMMON_CONFIG_SCHEMA: Readonly<Record<string, Record<string, unknown>>> = {
  environment: { type: "string", enum: [...Environments], default: "dev", description: "Stack environment; prod applies the strictest thresholds." },
  exemptionsFile: { type: "string", description: "Exemptions file, absolute or relative to the pack directory (default ../exemptions.yaml)." },
  today: { type: "string", pattern: "^\\d{4}-\\d{2}-\\d{2}$", description: "Date (YYYY-MM-DD) exemption expiry is judged against (default: today)." },
};


const exemptionCache = new Map<string, Exemption[]>();

function exemptionsFor(settings: PackSettings, config: Record<string, unknown>): Exemption[] {
  const configured = typeof config.exemptionsFile === "string" && config.exemptionsFile !== "" ? config.exemptionsFile : undefined;
  const file = path.resolve(settings.packDir, configured ?? settings.exemptionsFile ?? path.join("..", "exemptions.yaml"));
  let list = exemptionCache.get(file);
  if (!list) {
    // A malformed file throws ExemptionConfigError out of the validation: the CLI shows it as a policy error.
    list = loadExemptions(file);
    exemptionCache.set(file, list);
  }
  return list;
}

function todayFor(settings: PackSettings, config: Record<string, unknown>): Date {
  if (typeof config.today === "string" && /^\d{4}-\d{2}-\d{2}$/.test(config.today)) return new Date(`${config.today}T00:00:00Z`);
  return settings.now ? settings.now() : new Date();
}

function contextFrom(config: Record<string, unknown>): RuleContext {
  const env = config.environment;
  const environment: Environment = (Environments as readonly unknown[]).includes(env) ? (env as Environment) : "dev";
  return { environment, config };
}

function policyMetadata(meta: RuleMeta, extraSchema?: Readonly<Record<string, Record<string, unknown>>>) {
  const fw = FRAMEWORK_INFO[meta.framework];
  return {
    name: meta.id,
    description: `${meta.framework} ${meta.controlId}: ${meta.title}${meta.seeAlso?.length ? ` (see also ${meta.seeAlso.join("; ")})` : ""}`,
    displayName: `${meta.controlId} ${meta.title}`,
    severity: meta.severity,
    remediationSteps: meta.remediation,
    tags: [meta.framework, `control:${meta.controlId}`],
    framework: { name: fw.name, version: fw.version, reference: fw.reference, specification: meta.controlId },
    configSchema: { properties: { ...COMMON_CONFIG_SCHEMA, ...(extraSchema ?? {}) } as Record<string, any> },
  };
}

/** Strips @pulumi/policy's unknown-checking proxy so rules can look at unknowns instead of being thrown at. */
function raw<T>(value: T): T {
  const v = value as any;
  return v && typeof v === "object" && v.__isSpecialProxy === true ? v.__getSpecialProxyTarget : value;
}

function subjectOf(r: PolicyResource | { type: string; name: string; urn: string; props: any; provider?: any; opts?: any }): Subject {
  const res = r as any;
  const props = (plain(raw(res.props)) ?? {}) as Record<string, unknown>;
  const provider = res.provider ? { type: res.provider.type, name: res.provider.name, urn: res.provider.urn, props: (plain(raw(res.provider.props)) ?? {}) as Record<string, unknown> } : undefined;
  const deps: PolicyResource[] = Array.isArray(res.dependencies) ? res.dependencies : [];
  const propertyDependencies: Record<string, string[]> = {};
  for (const [k, v] of Object.entries((res.propertyDependencies ?? {}) as Record<string, PolicyResource[]>)) propertyDependencies[k] = v.map((d) => d.urn);
  const parentUrn: string | undefined = typeof res.parent === "object" && res.parent ? res.parent.urn : res.opts?.parent || undefined;
  return { type: res.type, name: res.name, urn: res.urn, props, parent: parentUrn, dependencies: deps.map((d) => d.urn), propertyDependencies, provider };
}

/** A finding marked advisory (a "cannot tell yet" result, a note) stays advisory whatever the policy's level. */
const level = (f: Finding): { enforcementLevel?: "advisory" } => (f.advisory ? { enforcementLevel: "advisory" } : {});

/** Reports findings through CrossGuard, applying exemptions. Uses the object form so the message is exactly ours. */
function reportAll(
  meta: RuleMeta,
  findings: readonly Finding[],
  fallback: Subject | undefined,
  exemptions: readonly Exemption[],
  today: Date,
  report: ReportViolation,
): void {
  const send = report as unknown as (v: { message: string; urn?: string; enforcementLevel?: "advisory" }) => void;
  for (const f of findings) {
    const subject = f.subject ?? fallback;
    const verdict = subject ? findExemption(exemptions, meta.id, subject, today) : undefined;
    // "Cannot tell yet" never blocks and is never exempted away: it is advice that the rule will decide later.
    if (f.undecided) send({ message: f.message, urn: subject?.urn, enforcementLevel: "advisory" });
    else if (verdict?.status === "exempted") send({ message: exemptedMessage(f.message, verdict.exemption), urn: subject?.urn, enforcementLevel: "advisory" });
    else if (verdict?.status === "expired") send({ message: expiredMessage(f.message, verdict.exemption), urn: subject?.urn, ...level(f) });
    else send({ message: f.message, urn: subject?.urn, ...level(f) });
  }
}

function couldNotEvaluate(meta: RuleMeta, err: unknown, subject: Subject | undefined, report: ReportViolation): void {
  const send = report as unknown as (v: { message: string; urn?: string; enforcementLevel: "advisory" }) => void;
  const what = subject ? ` on ${subject.type} ${subject.name}` : "";
  const reason = err instanceof Error ? err.message : String(err);
  send({ message: `${COULD_NOT_EVALUATE} ${meta.id}${what} failed (${reason}); check the resource's inputs and report the rule bug.`, urn: subject?.urn, enforcementLevel: "advisory" });
}

/** A CrossGuard resource policy running a pure resource rule. */
export function resourcePolicy(rule: ResourceRule, settings: PackSettings): ResourceValidationPolicy {
  const validateResource: ResourceValidationPolicy["validateResource"] = (args, report) => {
    if (!appliesTo(rule, args.type)) return;
    const config = (args.getConfig<Record<string, unknown>>() ?? {}) as Record<string, unknown>;
    const exemptions = exemptionsFor(settings, config);
    let subject: Subject | undefined;
    let findings: readonly Finding[];
    try {
      subject = subjectOf(args);
      findings = rule.check(subject, contextFrom(config));
    } catch (err) {
      couldNotEvaluate(rule.meta, err, subject, report);
      return;
    }
    reportAll(rule.meta, findings, subject, exemptions, todayFor(settings, config), report);
  };
  // A rule of one type is tagged with it as `validateResourceOfType` tags its function: @pulumi/policy then answers
  // "not applicable" for every other type before it deserialises the resource's properties for this policy (it
  // deserialises them once per policy), which is most of a pack's cost per resource.
  if (Array.isArray(rule.types) && rule.types.length === 1) Object.assign(validateResource, { __pulumiType: rule.types[0] });
  return { ...policyMetadata(rule.meta, rule.configSchema), validateResource };
}

/** A CrossGuard stack policy running a pure stack rule over every resource of the stack. */
export function stackPolicy(rule: StackRule, settings: PackSettings): StackValidationPolicy {
  return {
    ...policyMetadata(rule.meta, rule.configSchema),
    validateStack: (args, report) => {
      const config = (args.getConfig<Record<string, unknown>>() ?? {}) as Record<string, unknown>;
      const exemptions = exemptionsFor(settings, config);
      let findings: readonly Finding[];
      try {
        findings = rule.check(args.resources.map(subjectOf), contextFrom(config));
      } catch (err) {
        couldNotEvaluate(rule.meta, err, undefined, report);
        return;
      }
      reportAll(rule.meta, findings, undefined, exemptions, todayFor(settings, config), report);
    },
  };
}

/** Wires a list of rules (resource and stack) into CrossGuard policies, in order. */
export function policiesFor(rules: readonly (ResourceRule | StackRule)[], settings: PackSettings): (ResourceValidationPolicy | StackValidationPolicy)[] {
  return rules.map((r) => ("types" in r ? resourcePolicy(r, settings) : stackPolicy(r, settings)));
}
