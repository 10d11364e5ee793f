/**
 * The join indexes of policy/common (referrersOf, referencedBy, referrersInScope) answer exactly what the per-pair
 * predicates answer (references, referencesInScope), in the same order, on random stacks: ids, names, unknown markers,
 * lists, property dependencies and two AWS regions. They exist so stack rules stay linear (test/policy/stack-linear).
 */
import fc from "fast-check";
import type { Subject } from "../../../policy/common/finding";
import { referencedBy, references, referrersOf } from "../../../policy/common/stack";
import { referencesInScope, referrersInScope } from "../../../policy/common/scope";
import { UNKNOWN } from "../../../policy/common/unknown";

const VALUES = ["a", "b", "c", "", UNKNOWN, 7, null];
const value = fc.oneof(fc.constantFrom(...VALUES), fc.array(fc.constantFrom(...VALUES), { maxLength: 3 }));
const urns = Array.from({ length: 6 }, (_, i) => `urn:pulumi:s::p::t::r${i}`);
const provider = (region: string) => ({ type: "pulumi:providers:aws", name: region, urn: `urn:pulumi:s::p::pulumi:providers:aws::${region}`, props: { region } });

const subjects = fc.array(
  fc.record({
    id: value,
    name: value,
    bucket: value,
    deps: fc.option(fc.subarray(urns), { nil: undefined }),
    region: fc.constantFrom("us-east-1", "eu-west-1", undefined),
  }),
  { minLength: 0, maxLength: 6 },
).map((rows) =>
  rows.map((row, i): Subject => ({
    type: "t",
    name: `r${i}`,
    urn: urns[i],
    props: { id: row.id, name: row.name, bucket: row.bucket },
    ...(row.deps ? { propertyDependencies: { bucket: row.deps } } : {}),
    ...(row.region ? { provider: provider(row.region) } : {}),
  })),
);

const KEYS = [[], ["id"], ["id", "name"], ["name", "name"]];

test("referrersOf(from, prop, keys)(to) = from.filter(references(·, prop, to, keys))", () => {
  fc.assert(
    fc.property(subjects, subjects, fc.constantFrom(...KEYS), (from, targets, keys) => {
      const index = referrersOf(from, "bucket", keys);
      for (const to of targets) expect(index(to)).toEqual(from.filter((r) => references(r, "bucket", to, keys)));
    }),
    { numRuns: 400 },
  );
});

test("referencedBy(targets, prop, keys)(from) = targets.filter(references(from, prop, ·, keys))", () => {
  fc.assert(
    fc.property(subjects, subjects, fc.constantFrom(...KEYS), (from, targets, keys) => {
      const index = referencedBy(targets, "bucket", keys);
      for (const r of from) expect(index(r)).toEqual(targets.filter((t) => references(r, "bucket", t, keys)));
    }),
    { numRuns: 400 },
  );
});

test("referrersInScope(from, prop, keys)(to) = from.filter(referencesInScope(·, prop, to, keys))", () => {
  fc.assert(
    fc.property(subjects, subjects, fc.constantFrom(...KEYS), (from, targets, keys) => {
      const index = referrersInScope(from, "bucket", keys);
      for (const to of targets) expect(index(to)).toEqual(from.filter((r) => referencesInScope(r, "bucket", to, keys)));
    }),
    { numRuns: 400 },
  );
});
