/**
 * The machinery of the field-level mutation tests (test/components/shared/field-mutation*.test.ts), the validation
 * contract (docs/architecture.md, "Validation") one level below validation-contract.test.ts: start from VALID
 * arguments, replace one field at a time (top-level fields, nested fields and array elements) by an odd value a
 * JavaScript caller or a YAML value of the wrong shape can produce, and check that `<name>Problems`
 * - never throws and returns an array;
 * - reports at least one problem when the new value is of another kind than the valid one (an optional field set to
 *   undefined, or a field the function does not own such as a `pulumi.Input` passed through, may still be valid).
 * Deterministic: plain loops over a fixed list of values.
 */
import type { Problem } from "../../components/shared/validation";

/** Odd values: null, undefined, numbers of the wrong sign or NaN, strings, booleans, lists and objects of the wrong shape. */
export const ODD: readonly unknown[] = [undefined, null, 0, -1, NaN, "", "x", true, [], [null], ["x"], [0], {}, { x: 1 }];
/** Upper bound of mutations per function, so the suite stays fast. */
const CAP = 2000;

export type Path = readonly (string | number)[];

function kind(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  return typeof value;
}

function label(path: Path): string {
  return path.map((k, i) => (typeof k === "number" ? `[${k}]` : i === 0 ? k : `.${k}`)).join("");
}

function show(value: unknown): string {
  if (value === undefined) return "undefined";
  if (typeof value === "number" && Number.isNaN(value)) return "NaN";
  return JSON.stringify(value);
}

/** Every path in the example: object fields, nested fields and array elements (the root itself is the contract test's). */
export function pathsOf(value: unknown, prefix: Path = []): Path[] {
  if (typeof value !== "object" || value === null) return [];
  const entries: [string | number, unknown][] = Array.isArray(value) ? value.map((v, i) => [i, v]) : Object.entries(value);
  return entries.flatMap(([k, v]) => [[...prefix, k], ...pathsOf(v, [...prefix, k])]);
}

function valueAt(root: unknown, path: Path): unknown {
  return path.reduce<unknown>((v, k) => (v as Record<string | number, unknown>)[k], root);
}

export function mutate(example: unknown, path: Path, value: unknown): unknown {
  const copy = structuredClone(example);
  const parent = valueAt(copy, path.slice(0, -1)) as Record<string | number, unknown>;
  parent[path[path.length - 1]] = value;
  return copy;
}

export interface Case {
  readonly fn: (args: never) => readonly Problem[];
  readonly example: unknown;
  /** Paths (labels) the function passes through without judging them: any value is acceptable there. */
  readonly opaque?: readonly RegExp[];
  /** Paths of optional fields: `undefined` (or `null`, which `??` reads as unset) there leaves the arguments valid. */
  readonly optional?: readonly RegExp[];
}

/** What is wrong with the function on one mutation, or undefined when it keeps the contract. */
export function judge(c: Case, path: Path, value: unknown): string | undefined {
  const at = label(path);
  const where = `${c.fn.name} at ${at} = ${show(value)}`;
  let result: unknown;
  try {
    result = (c.fn as (a: unknown) => unknown)(mutate(c.example, path, value));
  } catch (err) {
    return `${where}: threw ${String(err)}`;
  }
  if (!Array.isArray(result)) return `${where}: returned ${show(result)}, not an array`;
  const sameKind = kind(value) === kind(valueAt(c.example, path));
  const mayBeValid = sameKind || (c.opaque ?? []).some((r) => r.test(at)) || (value == null && (c.optional ?? []).some((r) => r.test(at)));
  if (!mayBeValid && result.length === 0) return `${where}: returned no problem for a ${kind(value)} where a ${kind(valueAt(c.example, path))} is expected`;
  return undefined;
}

/** The two tests of every case: its example is valid, and no field-level mutation breaks the contract. */
export function describeFieldMutations(cases: Readonly<Record<string, Case>>): void {
  describe.each(Object.keys(cases))("%s on field-level mutations of valid arguments", (name) => {
    const c = cases[name];

    test("the example is valid (so every problem below comes from the mutation)", () => {
      expect((c.fn as (a: unknown) => unknown)(structuredClone(c.example))).toEqual([]);
    });

    test("never throws, returns an array, and reports a value of the wrong kind", () => {
      const mutations = pathsOf(c.example).flatMap((path) => ODD.map((value) => [path, value] as const)).slice(0, CAP);
      expect(mutations.length).toBeGreaterThan(50);
      const failures = mutations.map(([path, value]) => judge(c, path, value)).filter((f): f is string => f !== undefined);
      expect(failures).toEqual([]);
    });
  });
}
