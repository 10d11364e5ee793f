/**
 * The validation contract (docs/architecture.md, "Validation"), enforced over everything the package root exports:
 * - every component `<Name>` has `<name>Problems(args)` (returns every problem, never throws) and
 *   `validate<Name>Args(name, args)` (throws them as one ValidationError, the error every component raises);
 * - every exported `…Problems` function returns an array and never throws, whatever it is given;
 * - every exported `validate…Args` throws a ValidationError on bad input, never a TypeError.
 */
import * as pulumi from "@pulumi/pulumi";
import * as root from "../../../index";
import { ValidationError } from "../../../components/shared/validation";

const exported = root as unknown as Record<string, unknown>;
const lcFirst = (s: string) => s[0].toLowerCase() + s.slice(1);

/** Odd inputs a JavaScript caller or a YAML value of the wrong shape can produce. */
const ODD: readonly unknown[] = [undefined, null, {}, [], "x", 0, { regions: "x", environment: "production", name: 7 }];

const components = Object.entries(exported)
  .filter(([, v]) => typeof v === "function" && (v as { prototype?: unknown }).prototype instanceof pulumi.ComponentResource)
  .map(([k]) => k)
  .sort();

const problemFunctions = Object.keys(exported).filter((k) => /Problems$/.test(k) && typeof exported[k] === "function").sort();
const validateFunctions = Object.keys(exported).filter((k) => /^validate\w+Args$/.test(k) && typeof exported[k] === "function").sort();

test("the root exports the components and validators this test judges (it cannot pass on an empty list)", () => {
  expect(components.length).toBeGreaterThanOrEqual(25);
  expect(problemFunctions.length).toBeGreaterThanOrEqual(30);
  expect(validateFunctions.length).toBeGreaterThanOrEqual(20);
});

describe.each(components)("component %s", (name) => {
  test(`exports ${lcFirst(name)}Problems (or ${lcFirst(name)}ArgsProblems) and validate${name}Args`, () => {
    expect([typeof exported[`${lcFirst(name)}Problems`], typeof exported[`${lcFirst(name)}ArgsProblems`]]).toContain("function");
    expect(typeof exported[`validate${name}Args`]).toBe("function");
  });
});

describe.each(problemFunctions)("%s", (name) => {
  test.each(ODD.map((v) => [JSON.stringify(v) ?? "undefined", v]))("returns an array and never throws on %s", (_label, value) => {
    const fn = exported[name] as (...a: unknown[]) => unknown;
    let result: unknown;
    expect(() => {
      result = fn(value);
    }).not.toThrow();
    expect(Array.isArray(result)).toBe(true);
  });
});

describe.each(validateFunctions)("%s", (name) => {
  const fn = exported[name] as (n: string, a: unknown) => unknown;
  test.each(ODD.filter((v) => typeof v !== "object" || v === null || Array.isArray(v)).map((v) => [JSON.stringify(v) ?? "undefined", v]))(
    "throws a ValidationError (never a TypeError) on arguments that are not an object: %s",
    (_label, value) => {
      expect(() => fn("contract", value)).toThrow(ValidationError);
    },
  );
  test.each(ODD.filter((v) => typeof v === "object" && v !== null && !Array.isArray(v)).map((v) => [JSON.stringify(v), v]))(
    "on an object with missing or odd fields (%s) it accepts (every field optional) or throws a ValidationError, nothing else",
    (_label, value) => {
      let thrown: unknown;
      try {
        fn("contract", value);
      } catch (err) {
        thrown = err;
      }
      if (thrown !== undefined) expect(thrown).toBeInstanceOf(ValidationError);
      // Accepting is only right when the matching …Problems function agrees there is nothing wrong.
      const base = lcFirst(name.slice("validate".length, -"Args".length));
      const problemsName = [`${base}ArgsProblems`, `${base}Problems`].find((k) => typeof exported[k] === "function");
      expect(problemsName).toBeDefined();
      const problems = (exported[problemsName as string] as (a: unknown) => unknown[])(value);
      expect(thrown === undefined).toBe(problems.length === 0);
    },
  );
});
