/**
 * Up-front validation shared by every component and by the stack config.
 *
 * A component validates its plain arguments before it registers anything, collects every problem instead of
 * stopping at the first, and throws one error that lists them all. Each problem names the property, the value
 * received, the rule and the fix, because the person reading it is mid-deploy and should not have to open the code.
 */

/** One thing wrong with the input. */
export interface Problem {
  /** Where the bad value is, e.g. `regions[1]` or `hpa.minReplicas`. */
  readonly property: string;
  /** The value received, as given. */
  readonly value: unknown;
  /** What is allowed, e.g. "an integer from 2 to 100". */
  readonly rule: string;
  /** What to do about it, e.g. "set minReplicas to 2 or more". */
  readonly fix: string;
}

function show(value: unknown): string {
  if (value === undefined) return "undefined";
  if (typeof value === "string") return JSON.stringify(value);
  try {
    const text = JSON.stringify(value);
    return text.length > 120 ? `${text.slice(0, 117)}...` : text;
  } catch {
    return String(value);
  }
}

export function formatProblem(problem: Problem): string {
  return `${problem.property}: got ${show(problem.value)}; expected ${problem.rule}. Fix: ${problem.fix}`;
}

/** Thrown when input is invalid; carries every problem found, not just the first. */
export class ValidationError extends Error {
  constructor(
    /** What was being validated, e.g. `HaService "checkout"` or `stack config`. */
    readonly subject: string,
    readonly problems: readonly Problem[],
  ) {
    super(
      `${subject} is invalid (${problems.length} problem${problems.length === 1 ? "" : "s"}):\n` +
        problems.map((p) => `  - ${formatProblem(p)}`).join("\n"),
    );
    this.name = "ValidationError";
  }
}

/**
 * The throwing half of the validation contract (docs/architecture.md, "Validation"): `validate<Thing>Args` calls it
 * with what `<thing>Problems` returned, so every component raises the same error type, listing every problem.
 */
export function throwIfProblems(subject: string, problems: readonly Problem[]): void {
  if (problems.length > 0) throw new ValidationError(subject, problems);
}

/** Collects problems; `throwIfAny` raises them together. */
export class Problems {
  private readonly found: Problem[] = [];

  add(problem: Problem): this {
    this.found.push(problem);
    return this;
  }

  /** Records a problem when `ok` is false. Returns `ok` so callers can skip dependent checks. */
  check(ok: boolean, problem: Problem): boolean {
    if (!ok) this.found.push(problem);
    return ok;
  }

  addAll(problems: readonly Problem[]): this {
    this.found.push(...problems);
    return this;
  }

  get list(): readonly Problem[] {
    return this.found;
  }

  throwIfAny(subject: string): void {
    throwIfProblems(subject, this.found);
  }
}

/** Whether a value is a plain object (not null, not an array): what an `*Args` must be before its fields are read. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * The problem for arguments that are not an object at all (a JavaScript caller passing `undefined`, a YAML value of
 * the wrong shape): `<thing>Problems` returns it instead of throwing a TypeError on the first field it reads.
 */
export function argsObjectProblems(value: unknown, subject: string, property = "args"): Problem[] {
  return isRecord(value) ? [] : [{ property, value, rule: `an object of ${subject} settings`, fix: `pass ${property} as an object` }];
}

/** A list field as an array: `undefined` is the empty default; anything else that is not an array is reported. */
export function listField<T>(problems: Problems, property: string, value: readonly T[] | undefined): readonly T[] {
  if (value === undefined) return [];
  if (problems.check(Array.isArray(value), { property, value, rule: "a list", fix: `write ${property} as a list, or leave it out` })) return value;
  return [];
}

/**
 * An optional object field (`waf`, `chartVersions`): unset (`undefined` or `null`) or an object; anything else is
 * reported. Returns whether its fields can be read.
 */
export function checkOptionalObject(problems: Problems, property: string, value: unknown, shape: string): boolean {
  if (value === undefined || value === null) return true;
  return problems.check(isRecord(value), { property, value, rule: `an object ${shape}`, fix: `write ${property} as an object, or leave it out` });
}

/**
 * An optional boolean field (`protect`, `vaultLock`): unset (`undefined`, or `null`, which `??` reads as unset) or
 * true / false; anything else (a YAML "yes" string, a number) is reported rather than read as truthy or falsy.
 */
export function checkOptionalBoolean(problems: Problems, property: string, value: unknown): boolean {
  if (value === undefined || value === null) return true;
  return problems.check(typeof value === "boolean", { property, value, rule: "true or false", fix: `set ${property} to true or false, or leave it out` });
}

/**
 * An optional Helm chart version (`chartVersion`): unset, or an exact `x.y.z` (a `v` prefix allowed, as cert-manager
 * writes it); a range would let an add-on change without a code change.
 */
export function checkExactChartVersion(problems: Problems, property: string, value: unknown): boolean {
  if (value === undefined) return true;
  return problems.check(typeof value === "string" && /^v?\d+\.\d+\.\d+$/.test(value), {
    property,
    value,
    rule: "an exact chart version x.y.z",
    fix: "pin an exact version; ranges would let an add-on change without a code change",
  });
}

export function isInteger(value: unknown, min: number, max = Number.MAX_SAFE_INTEGER): value is number {
  return typeof value === "number" && Number.isInteger(value) && value >= min && value <= max;
}

/** Checks an integer range and records a uniform problem when it is out of range. */
export function checkInteger(problems: Problems, property: string, value: unknown, min: number, max: number, fix?: string): boolean {
  return problems.check(isInteger(value, min, max), {
    property,
    value,
    rule: max === Number.MAX_SAFE_INTEGER ? `an integer ≥ ${min}` : `an integer from ${min} to ${max}`,
    fix: fix ?? `set ${property} to a whole number between ${min} and ${max}`,
  });
}

/** Checks that a value is one of a closed set. */
export function checkOneOf<T extends string>(problems: Problems, property: string, value: unknown, allowed: readonly T[]): value is T {
  return problems.check(typeof value === "string" && (allowed as readonly string[]).includes(value), {
    property,
    value,
    rule: `one of ${allowed.map((a) => JSON.stringify(a)).join(", ")}`,
    fix: `set ${property} to one of the allowed values`,
  });
}
