/**
 * Test helpers for driving our packs over the analyzer protocol: every resource through `Analyze`, the whole set
 * through `AnalyzeStack`, as the CLI does during a preview.
 */
import * as path from "path";
import type { AnalyzerFinding, AnalyzerResource, PolicyPackClient } from "../../../src/testing/analyzer";

export const POLICY_DIR = path.join(__dirname, "../../../policy");
export const packDir = (pack: string): string => path.join(POLICY_DIR, pack);

/** All findings a pack reports for a set of resources (per-resource and stack-level). */
export async function analyzeAll(client: PolicyPackClient, resources: readonly AnalyzerResource[]): Promise<AnalyzerFinding[]> {
  const perResource = await Promise.all(resources.map((r) => client.analyze(r)));
  return [...perResource.flat(), ...(await client.analyzeStack(resources))];
}

/** Sorted distinct policy names of findings. */
export const policiesOf = (findings: readonly AnalyzerFinding[]): string[] => [...new Set(findings.map((f) => f.policyName))].sort();

/** A pack config (CLI format) setting properties on every policy of the pack. */
export async function configForAll(client: PolicyPackClient, level: string, properties: Record<string, unknown>): Promise<Record<string, unknown>> {
  const info = await client.info();
  const config: Record<string, unknown> = { all: level };
  for (const p of info.policies) config[p.name] = { ...properties };
  return config;
}

/** Deep copy of fixtures so each test mutates its own. */
export const clone = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

/** A resource with a conventional URN. */
export function res(type: string, name: string, props: Record<string, unknown>, extra: Partial<AnalyzerResource> = {}): AnalyzerResource {
  return { type, name, urn: urn(type, name), props, ...extra };
}

export const urn = (type: string, name: string): string => `urn:pulumi:test::platform::${type}::${name}`;

/** One test case of a pack: a change to the compliant baseline and exactly the policies it must fire. */
export type OneChangeCase = [label: string, mutate: (resources: AnalyzerResource[]) => void, expected: string[]];

/**
 * The contract every pack test follows: the compliant baseline draws no finding; each one-field change fires exactly
 * its policies, with messages that say what to change and never leak the unknown marker; every policy has a case.
 */
export function oneChangeCases(
  client: () => PolicyPackClient,
  baseline: () => AnalyzerResource[],
  cases: readonly OneChangeCase[],
  /** Policies whose cases live in their own test file (e.g. ones that need prod config); named, never silently skipped. */
  coveredElsewhere: readonly string[] = [],
): void {
  test("the compliant baseline has no finding", async () => {
    expect(await analyzeAll(client(), baseline())).toEqual([]);
  });

  test.each(cases)("%s → exactly the expected policies fire", async (_, mutate, expected) => {
    const resources = clone(baseline());
    mutate(resources);
    const findings = await analyzeAll(client(), resources);
    expect(policiesOf(findings)).toEqual([...expected].sort());
    for (const f of findings) {
      expect(f.message).toMatch(/; .+\.$/);
      expect(f.message).not.toContain("04da6b54");
    }
  });

  test("every policy is covered by at least one case", async () => {
    const covered = new Set([...cases.flatMap(([, , expected]) => expected), ...coveredElsewhere]);
    expect((await client().info()).policies.map((p) => p.name).filter((n) => !covered.has(n))).toEqual([]);
  });
}
