/**
 * The offline runtime's promise wrapper (src/testing/sdk-cost.ts): without `debug`, the SDK's debuggablePromise
 * captures no stack (what every plan and every component test runs), and keeps the contract the runtime relies on;
 * with `debug: true` the SDK's own wrapper stays. Each case in a fresh module registry: the wrapper is per SDK copy.
 */
import type { installMockRuntime } from "../../src/testing/mocks";

interface Isolated {
  readonly recorder: ReturnType<typeof installMockRuntime>;
  /** The isolated copy's `settings.waitForRPCs` (what mocks.ts `settle` calls on the copy it loads). */
  readonly settle: () => Promise<void>;
  readonly debuggable: { debuggablePromise<T>(p: Promise<T>, ctx: string): Promise<T> };
  readonly state: { getStore(): { leakCandidates: Set<Promise<unknown>> } };
  readonly aws: typeof import("@pulumi/aws");
}

/** A fresh SDK copy with the offline runtime installed on it (inside the isolated registry: requires resolve there). */
function isolated(options: Parameters<typeof installMockRuntime>[0]): Isolated {
  let loaded: Isolated | undefined;
  jest.isolateModules(() => {
    const mocks = require("../../src/testing/mocks");
    loaded = {
      recorder: mocks.installMockRuntime(options),
      settle: require("@pulumi/pulumi/runtime/settings").waitForRPCs,
      debuggable: require("@pulumi/pulumi/runtime/debuggable"),
      state: require("@pulumi/pulumi/runtime/state"),
      aws: require("@pulumi/aws"),
    };
  });
  return loaded!;
}

test("by default no promise's stack is captured, and a wrapped promise is a leak candidate until it settles", async () => {
  const sdk = isolated({ preview: true });
  const pending: any = new Promise((resolve) => setTimeout(() => resolve("v"), 5));
  const wrapped = sdk.debuggable.debuggablePromise(pending, "probe");
  expect(pending._debugStackTrace).toBeUndefined();
  expect(sdk.state.getStore().leakCandidates.has(pending)).toBe(true);
  await expect(wrapped).resolves.toBe("v");
  expect(sdk.state.getStore().leakCandidates.has(pending)).toBe(false);
});

test("a rejection keeps its error and names the promise, as the SDK's wrapper does", async () => {
  const sdk = isolated({ preview: false });
  const failing = Promise.reject(new Error("boom"));
  const err: any = await sdk.debuggable.debuggablePromise(failing, "probe").catch((e) => e);
  expect(err.message).toBe("boom");
  expect(err.promise).toBe(failing);
  expect(sdk.state.getStore().leakCandidates.has(failing)).toBe(false);
});

test("with debug: true the SDK's own wrapper stays and captures each promise's stack", async () => {
  const sdk = isolated({ preview: true, debug: true });
  const promise: any = Promise.resolve(1);
  await sdk.debuggable.debuggablePromise(promise, "probe");
  expect(promise._debugStackTrace).toMatch(/debuggablePromise/);
});

test("resources still register and settle under the lean wrapper", async () => {
  const sdk = isolated({ preview: true });
  new sdk.aws.s3.Bucket("logs");
  await sdk.settle();
  expect(sdk.recorder.resources.map((r) => r.type)).toContain("aws:s3/bucket:Bucket");
});
