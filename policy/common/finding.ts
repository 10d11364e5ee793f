/**
 * The shapes pure rules work with: a resource in, findings out. No @pulumi/policy types here, so tests and other
 * tools (the plan command) can run rules on plain objects.
 */
import type { RuleMeta } from "./metadata";
import { isUnknown } from "./unknown";

/** A resource as rules see it: raw inputs (plain JSON, unknowns as the sentinel string). */
export interface Subject {
  /** Pulumi type token, e.g. `kubernetes:apps/v1:Deployment`, `aws:s3/bucket:Bucket`. */
  readonly type: string;
  /** Pulumi resource name. */
  readonly name: string;
  readonly urn: string;
  readonly props: Record<string, unknown>;
  /** URN of the parent resource, when known. */
  readonly parent?: string;
  /** URNs this resource depends on (explicit and through inputs); stack validation only. */
  readonly dependencies?: readonly string[];
  /** Per input property, the URNs it was computed from; lets stack rules join resources whose ids are unknown. */
  readonly propertyDependencies?: Readonly<Record<string, readonly string[]>>;
  /** The provider resource, when explicit. */
  readonly provider?: { readonly type: string; readonly name: string; readonly urn: string; readonly props: Record<string, unknown> };
}

/** One violation, worded as what must change. */
export interface Finding {
  /** One sentence naming the resource, what is wrong and what to change. */
  readonly message: string;
  /** The resource the finding is about; defaults to the resource being validated. Required for stack rules. */
  readonly subject?: Subject;
  /**
   * True for "cannot tell yet": a value the rule needs is unknown at preview. Reported as advisory (never blocks, never
   * passes silently) and scored as undecided, not passed. Build these with `cannotTellYet` (policy/common/unknown.ts).
   */
  readonly undecided?: boolean;
  /** Always advisory whatever the policy's level: "cannot tell yet" results and notes that prove nothing wrong. */
  readonly advisory?: boolean;
}

export const Environments = ["dev", "staging", "prod"] as const;
export type Environment = (typeof Environments)[number];

/** What the wiring hands a rule besides the resource. */
export interface RuleContext {
  /** Stack environment, from the policy config property `environment` (default `dev`). */
  readonly environment: Environment;
  /** The policy's config properties as the pack config file set them. */
  readonly config: Readonly<Record<string, unknown>>;
}

/** A rule that judges one resource at a time (CrossGuard `validateResource`). */
export interface ResourceRule {
  readonly meta: RuleMeta;
  /** Type tokens the rule applies to; other resources are skipped without calling `check`. */
  readonly types: readonly string[] | ((type: string) => boolean);
  /** Extra config properties (JSON schema) beyond the ones every policy gets. */
  readonly configSchema?: Readonly<Record<string, Record<string, unknown>>>;
  check(resource: Subject, context: RuleContext): readonly Finding[];
}

/** A rule that needs the whole stack (CrossGuard `validateStack`): joins, "every X has a Y". */
export interface StackRule {
  readonly meta: RuleMeta;
  /**
   * Type tokens of the resources the rule judges (what makes its control applicable to a program). Without it the
   * control counts as applicable to every program.
   */
  readonly judges?: readonly string[] | ((type: string) => boolean);
  readonly configSchema?: Readonly<Record<string, Record<string, unknown>>>;
  check(resources: readonly Subject[], context: RuleContext): readonly Finding[];
}

export type Rule = ResourceRule | StackRule;

export function isStackRule(rule: Rule): rule is StackRule {
  return !("types" in rule);
}

/** True when a resource rule applies to a type token. */
export function appliesTo(rule: ResourceRule, type: string): boolean {
  return typeof rule.types === "function" ? rule.types(type) : rule.types.includes(type);
}

/** Default context for tests and tools: dev, no config. */
export function contextFor(environment: Environment = "dev", config: Record<string, unknown> = {}): RuleContext {
  return { environment, config };
}

/**
 * Runs a rule on plain resources without CrossGuard (tests, plan tooling). Resource rules run on every resource
 * they apply to; stack rules once. Findings come back with their subject filled in.
 */
export function runRule(rule: Rule, resources: readonly Subject[], context: RuleContext = contextFor()): (Finding & { subject: Subject })[] {
  if (isStackRule(rule)) {
    return rule.check(resources, context).map((f) => withSubject(f, resources[0] as Subject));
  }
  const out: (Finding & { subject: Subject })[] = [];
  for (const r of resources) {
    if (!appliesTo(rule, r.type)) continue;
    for (const f of rule.check(r, context)) out.push(withSubject(f, r));
  }
  return out;
}

/**
 * A copy of the finding with its subject filled in: `{ ...f, subject: f.subject ?? fallback }`, same keys in the same
 * order. `Object.assign` because findings come in many shapes, and a spread over many shapes is slower.
 */
function withSubject(f: Finding, fallback: Subject): Finding & { subject: Subject } {
  const copy = Object.assign({}, f) as Finding & { subject: Subject };
  copy.subject = f.subject ?? fallback;
  return copy;
}

/** A short human reference to a resource for messages: `Deployment web (namespace shop)` / `aws:s3/bucket:Bucket logs`. */
export function describe(subject: Subject): string {
  // The last segment of a Kubernetes token (`kubernetes:apps/v1:Deployment` → `Deployment`), without splitting it.
  const kind = subject.type.startsWith("kubernetes:") ? subject.type.slice(subject.type.lastIndexOf(":") + 1) : subject.type;
  const metadata = subject.props?.metadata as Record<string, unknown> | undefined;
  const name = typeof metadata?.name === "string" && !isUnknown(metadata.name) ? metadata.name : subject.name;
  const ns = typeof metadata?.namespace === "string" && !isUnknown(metadata.namespace) ? ` (namespace ${metadata.namespace})` : "";
  return `${kind} ${name}${ns}`;
}
