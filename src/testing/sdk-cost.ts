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

const NOT_CAPTURED = "(stack not captured: rerun the plan with --debug to trace this promise)";

/** Installs the lean wrapper into the SDK copy at `sdkRoot` (idempotent). */
export function skipPromiseStacks(sdkRoot: string): void {
  const debuggable = require(path.join(sdkRoot, "runtime", "debuggable.js"));
  const state = require(path.join(sdkRoot, "runtime", "state.js"));
  if (debuggable.__lean) return;
  let id = 0;
  // Same contract as the SDK's debuggablePromise, minus the per-promise stack and the exit-time leak report (the plan
  // owns its exit codes; the SDK's report would turn a clean exit 0 into 1, the code for "mandatory violations").
  debuggable.debuggablePromise = function leanDebuggablePromise<T>(p: Promise<T>, ctx: unknown): Promise<T> {
    const store = state.getStore();
    Object.defineProperty(p, "_debugId", { writable: true, value: id++ });
    Object.defineProperty(p, "_debugCtx", { writable: true, value: ctx });
    Object.defineProperty(p, "_debugStackTrace", { writable: true, value: NOT_CAPTURED });
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
