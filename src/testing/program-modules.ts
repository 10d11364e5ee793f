/**
 * A program is a module: `require("./index")` registers its resources the first time and returns the cached module
 * after that. Tests run the same program in preview and in update mode (`for (const preview of [true, false])
 * runOffline(() => require("./index"), …)`), so each run must load the program afresh.
 *
 * - Under Node's own loader: the program's modules (files outside node_modules first loaded during a run) are
 *   removed from `require.cache` before the next run, so the next `require` executes them again. Libraries under
 *   node_modules stay loaded: one copy of @pulumi/pulumi, whose runtime state is process-global anyway.
 * - Under jest, whose `require.cache` cannot be deleted from: a run that registered nothing but the root stack is
 *   run again inside `jest.isolateModulesAsync`, where every module (the program and its SDK) is loaded fresh.
 */
const NODE_MODULES = /[\\/]node_modules[\\/]/;

/** Program modules loaded by earlier runs (absolute file names). */
const programModules = new Set<string>();

function cachedFiles(): Set<string> {
  return new Set(Object.keys(require.cache));
}

/** Drops the modules earlier runs loaded from the program, so the next `require` of it executes it again. */
export function forgetProgramModules(): void {
  for (const file of programModules) delete require.cache[file];
}

/** Runs `fn`, remembering which program modules it loaded for {@link forgetProgramModules}. */
export async function trackingProgramModules<T>(fn: () => Promise<T>): Promise<T> {
  const before = cachedFiles();
  try {
    return await fn();
  } finally {
    for (const file of cachedFiles()) if (!before.has(file) && !NODE_MODULES.test(file)) programModules.add(file);
  }
}

/** The jest object of the running test file, when running under jest (its `require` intercepts @jest/globals). */
export function jestApi(): { isolateModulesAsync?: (fn: () => Promise<void>) => Promise<void> } | undefined {
  if (process.env.JEST_WORKER_ID === undefined) return undefined;
  try {
    return require("@jest/globals").jest;
  } catch {
    return undefined;
  }
}
