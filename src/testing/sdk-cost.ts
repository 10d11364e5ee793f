/**
 * The program's own cost under the SDK (issue 22). The SDK wraps every internal promise in `debuggablePromise`
 * (runtime/debuggable.ts), which captures `new Error().stack` for each one so a leak can be traced; with
 * source-map-support installed (ts-node installs it), every capture also source-maps every frame. A plan of the prod
 * stack creates tens of thousands of these promises and never prints one of those stacks.
 *
 * Outside `--debug` this replaces the wrapper with one that keeps what the runtime relies on (the leak-candidate set
 * the SDK consults, `err.promise` on rejections) and captures no stack. Errors thrown by the program keep their own
 * stack, so a failing program still says where it failed.
 */
import * as path from "path";

/** Installs the lean wrapper into the SDK copy at `sdkRoot` (idempotent). */
export function skipPromiseStacks(sdkRoot: string): void {
  const debuggable = require(path.join(sdkRoot, "runtime", "debuggable.js"));
  const state = require(path.join(sdkRoot, "runtime", "state.js"));
  if (debuggable.__lean) return;
  // Same contract as the SDK's debuggablePromise, minus the per-promise stack and the exit-time leak report (the plan
  // owns its exit codes; the SDK's report would turn a clean exit 0 into 1, the code for "mandatory violations").
  debuggable.debuggablePromise = function leanDebuggablePromise<T>(p: Promise<T>, ctx: unknown): Promise<T> {
    const store = state.getStore();
    // No per-promise context either: the SDK builds `ctx` as a fresh string per call, read only by its leak report
    // (promiseDebugString), which this wrapper does not run; keeping it held ≈ 1 M strings (32 MiB) live at the
    // peak of a 5,000-resource plan (heap snapshot, issue 22). `--debug` keeps the SDK's own wrapper, with both.
    void ctx;
    store.leakCandidates.add(p);
    return p.then(
      (value) => {
        store.leakCandidates.delete(p);
        return value;
      },
      (err) => {
        store.leakCandidates.delete(p);
        if (err && typeof err === "object") err.promise = p;
        throw err;
      },
    );
  };
  debuggable.__lean = true;
}
