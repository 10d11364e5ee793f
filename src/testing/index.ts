/**
 * `production-platform/testing`: the test kit our own tests use, for consumers' tests of their Pulumi programs.
 *
 * - {@link runOffline} / {@link setupOfflineRuntime}: one call installs the offline Pulumi runtime (preview or update
 *   mode, deterministic ids, ARNs and endpoints) and runs a program under it.
 * - {@link ResourceRecorder} plus {@link resourcesOfType}, {@link componentOf} and {@link resourcesWithin}: typed
 *   queries by type token and by parent component.
 * - {@link analyzeRecording} / {@link startPolicyPack}: run any CrossGuard pack (ours or yours) against a recorded
 *   program through the analyzer protocol, exactly as `pulumi preview --policy-pack` would.
 *
 * @packageDocumentation
 */
import type * as pulumi from "@pulumi/pulumi";
import { analysableResources, discoverPacks, packConfigFor, runPacks, toAnalyzerResource } from "../cli/policy-run";
import type { PackRun } from "../cli/policy-run";
import type { Subject } from "../../policy/common/finding";
import * as path from "path";
import { AnalyzerFinding, PolicyPackConfig } from "./analyzer";
import { bundledPackDirs, packageRoot } from "./pack-build";
import { forgetProgramModules, jestApi, trackingProgramModules } from "./program-modules";
import { installMockRuntime, MockRuntimeOptions, RecordedResource, ResourceRecorder, settle } from "./mocks";

export * from "./analyzer";
export * from "./mocks";
export * from "./wire";
export { fakeState } from "./fakes";
export { availabilityZones, fakeCall, MissingFakeError, zoneIdPrefix } from "./fake-calls";
export type { FakeCall, FakeCallContext } from "./fake-calls";
export { renderPolicyDocument } from "./policy-document";
export { containsUnknown, FIDELITY_MODES, firstPreviewState, providerConfigKnown } from "./engine";
export type { FidelityMode } from "./engine";
export type { UnjudgedComponent } from "./unjudged";
export type { FakeResourceArgs } from "./fakes";
export { buildPack, bundledPackDirs, isInstalledPackage, packageRoot, runnablePackDir } from "./pack-build";
export { analysableResources, discoverPacks, packConfigFor, toAnalyzerResource };
export type { PackRun };

/** Options of {@link setupOfflineRuntime}: those of {@link installMockRuntime}, with friendlier config. */
export interface OfflineRuntimeOptions extends Omit<MockRuntimeOptions, "config"> {
  /**
   * Stack config. Keys without a namespace (`environment`) are qualified with the project (`<project>:environment`);
   * strings are kept as they are and anything else is JSON-encoded, as `pulumi config set --path` stores it.
   */
  readonly config?: Readonly<Record<string, unknown>>;
}

/** An installed offline runtime: run programs under it and query what they registered. */
export interface OfflineRuntime {
  readonly recorder: ResourceRecorder;
  readonly preview: boolean;
  readonly project: string;
  readonly stack: string;
  /**
   * Runs `program` inside the root `pulumi:pulumi:Stack` resource, as the Pulumi CLI does, and waits until every
   * registration was answered. Resolves to the program's return value (the stack outputs).
   */
  run<T>(program: () => T | Promise<T>): Promise<T>;
  /** Waits for registrations started outside {@link OfflineRuntime.run}. */
  settle(): Promise<void>;
}

/** Qualifies bare config keys with the project and encodes structured values as the Pulumi CLI stores them. */
export function toPulumiConfig(project: string, config: Readonly<Record<string, unknown>> = {}): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(config)) {
    if (value === undefined) continue;
    out[key.includes(":") ? key : `${project}:${key}`] = typeof value === "string" ? value : JSON.stringify(value);
  }
  return out;
}

/**
 * Installs the offline runtime for this process (replacing any earlier one) and returns a handle to run programs.
 * Call it before importing a program module that reads config at load time. Set `preview` explicitly: components
 * must behave under both `pulumi preview` (unknown outputs) and `pulumi up`.
 */
export function setupOfflineRuntime(options: OfflineRuntimeOptions): OfflineRuntime {
  const project = options.project ?? "project";
  const stack = options.stack ?? "stack";
  const secretKeys = (options.secretKeys ?? []).map((k) => (k.includes(":") ? k : `${project}:${k}`));
  const recorder = installMockRuntime({ ...options, project, stack, secretKeys, config: toPulumiConfig(project, options.config) });
  const sdk: typeof pulumi = require(options.sdkRoot ?? "@pulumi/pulumi");
  return {
    recorder,
    preview: options.preview,
    project,
    stack,
    async run<T>(program: () => T | Promise<T>): Promise<T> {
      let result: T | undefined;
      await sdk.runtime.runInPulumiStack(async () => {
        result = await program();
        return undefined;
      });
      await settle(options.sdkRoot);
      return result as T;
    },
    settle: () => settle(options.sdkRoot),
  };
}

async function runOnce<T>(program: () => T | Promise<T>, options: OfflineRuntimeOptions): Promise<{ recorder: ResourceRecorder; result: T }> {
  forgetProgramModules();
  const runtime = setupOfflineRuntime(options);
  const result = await trackingProgramModules(() => runtime.run(program));
  return { recorder: runtime.recorder, result };
}

/**
 * One call: install a fresh offline runtime, run the program, wait for it, return what it registered. The program
 * may be `() => require("./index")` and be run again (preview, then update): each run loads it afresh (see
 * program-modules.ts).
 */
export async function runOffline<T>(program: () => T | Promise<T>, options: OfflineRuntimeOptions): Promise<{ recorder: ResourceRecorder; result: T }> {
  const first = await runOnce(program, options);
  const isolate = first.recorder.resources.length <= 1 ? jestApi()?.isolateModulesAsync : undefined;
  if (!isolate) return first;
  // Under jest the program module came from jest's cache and registered nothing: run it again with fresh modules.
  let again = first;
  await isolate(async () => {
    again = await runOnce(program, options);
  });
  return again;
}

/** A recorded resource with its inputs (secrets unwrapped) typed as the resource's args, e.g. `aws.eks.ClusterArgs`. */
export interface TypedResource<Args> {
  readonly resource: RecordedResource;
  readonly inputs: pulumi.Unwrap<Args>;
}

/** A component or resource given as its recording or its URN. */
export type ResourceRef = RecordedResource | string;

function urnOf(ref: ResourceRef): string {
  return typeof ref === "string" ? ref : ref.urn;
}

/** Every resource below `parent` in the parent tree (children, grandchildren, ...), optionally of one type token. */
export function resourcesWithin(recorder: ResourceRecorder, parent: ResourceRef, type?: string): RecordedResource[] {
  return recorder.descendantsOf(urnOf(parent)).filter((r) => type === undefined || r.type === type);
}

/**
 * Resources of a type token with typed inputs, optionally only those below a component:
 * `resourcesOfType<k8s.apps.v1.DeploymentArgs>(recorder, "kubernetes:apps/v1:Deployment", service)`.
 */
export function resourcesOfType<Args = Record<string, any>>(recorder: ResourceRecorder, type: string, within?: ResourceRef): TypedResource<Args>[] {
  const pool = within === undefined ? recorder.ofType(type) : resourcesWithin(recorder, within, type);
  return pool.map((resource) => ({ resource, inputs: recorder.inputsOf(resource) as pulumi.Unwrap<Args> }));
}

/** The one component of a type token (`production-platform:workload:HaService`), by name when there are several. */
export function componentOf(recorder: ResourceRecorder, type: string, name?: string): RecordedResource {
  const found = recorder.one(type, name);
  if (found.custom) throw new Error(`${type} ${found.name} is a custom resource, not a component`);
  return found;
}

/**
 * The recorded resources as the policy rule functions of `production-platform/policies` take them (inputs with
 * secrets unwrapped, the root stack left out): `runRule(rule, subjectsOf(recorder), contextFor("prod"))`.
 */
export function subjectsOf(recorder: ResourceRecorder): Subject[] {
  return analysableResources(recorder).map((r) => {
    const provider = recorder.providerOf(r);
    return {
      type: r.type,
      name: r.name,
      urn: r.urn,
      props: recorder.inputsOf(r),
      parent: r.parent,
      dependencies: r.dependencies,
      propertyDependencies: r.propertyDependencies,
      provider: provider ? { type: provider.type, name: provider.name, urn: provider.urn, props: recorder.inputsOf(provider) } : undefined,
    };
  });
}

/**
 * The policy packs this package ships: compiled (`dist/packs/<pack>`) when installed from npm, so a consumer's jest
 * loads only JavaScript from node_modules; `policy/<pack>` in a checkout (started as their compiled build).
 */
export function bundledPolicyPacks(): string[] {
  return bundledPackDirs(packageRoot());
}

export interface AnalyzeOptions {
  /**
   * Pack directories (ours from {@link bundledPolicyPacks}, or your own). Each pack's `config/<stack>.json`, when
   * present, is applied as its `--policy-pack-config`. @default — every bundled pack
   */
  readonly packs?: readonly string[];
  /** Stack name sent to the packs and used to pick `config/<stack>.json`. @default — "dev" */
  readonly stack?: string;
  /** @default — "project" */
  readonly project?: string;
  /**
   * Pack config by pack name (its directory name, e.g. `aws-baseline`), in `--policy-pack-config` format, used
   * instead of that pack's `config/<stack>.json`. An application stack that does not own the account's security
   * services turns those checks off with
   * `{ "aws-baseline": { all: "mandatory", "aws-guardduty-enabled": { expectAccountServices: false }, "cis-aws-4.16-security-hub-enabled": { expectAccountServices: false } } }`.
   * An unknown pack name is an error. @default — each pack's `config/<stack>.json`
   */
  readonly packConfig?: Readonly<Record<string, PolicyPackConfig>>;
}

/** Findings of one pack run, flattened with the pack's name. */
export interface PackFinding extends AnalyzerFinding {
  readonly packDir: string;
}

/**
 * Runs policy packs over a recorded program through the analyzer protocol: each pack in its own process, `Analyze`
 * on every resource's inputs, then one `AnalyzeStack` over the outputs. Resolves to every finding, in pack order.
 */
export async function analyzeRecording(recorder: ResourceRecorder, options: AnalyzeOptions = {}): Promise<PackFinding[]> {
  const packs = options.packs ?? bundledPolicyPacks();
  const names = packs.map((p) => path.basename(p));
  const unknown = Object.keys(options.packConfig ?? {}).filter((n) => !names.includes(n));
  if (unknown.length > 0) throw new Error(`analyzeRecording: packConfig names unknown pack(s) ${unknown.join(", ")}; the packs are ${names.join(", ")}`);
  const configFor = (dir: string) => options.packConfig?.[path.basename(dir)];
  const runs = await runPacks(packs, recorder, { stack: options.stack ?? "dev", project: options.project ?? "project", configFor });
  return runs.flatMap((run) => run.findings.map((f) => ({ ...f, packDir: run.dir })));
}
