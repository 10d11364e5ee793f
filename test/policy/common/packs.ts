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
