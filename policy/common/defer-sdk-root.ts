/**
 * Imported first by every pack's index.ts, before `@pulumi/policy`: the pack process loads the SDK's root module
 * only if something uses more of it than `asset`.
 *
 * `@pulumi/policy` requires `@pulumi/pulumi` (the root) for one thing: `pulumi.asset`, to rebuild assets and
 * archives found in resource properties (deserialize.js). The root's index loads the whole SDK, the Automation API
 * with npm's arborist, pacote and sigstore included: measured ≈ 0.3 s of a 0.65 s pack start (docs/architecture.md,
 * "What a pack's start costs"), paid by every pack under `pulumi preview --policy-pack` and under the plan alike.
 *
 * So, when the root is not loaded yet, its entry in Node's module cache is taken by a stand-in whose exports are a
 * proxy: `asset` is the SDK's own `@pulumi/pulumi/asset` module (the very object the root re-exports, so `instanceof`
 * and `isInstance` hold), `__esModule` is true as on the root, and any other property loads the real root, which then
 * replaces the stand-in in the cache for every later `require`. Nothing is copied from the SDK and nothing behaves
 * differently; only what is never used is never loaded. Under a test runner with its own module registry (jest),
 * or when the root is already loaded, this does nothing.
 */
import * as path from "path";

type ModuleCtor = (new (id: string, parent?: unknown) => NodeModule) & { _nodeModulePaths(dir: string): string[] };

function resolveFrom(dir: string, request: string): string | undefined {
  try {
    return require.resolve(request, { paths: [dir] });
  } catch {
    return undefined;
  }
}

/** The root module as `@pulumi/policy` would resolve it, or undefined when either is not installed. */
function sdkRootFile(): string | undefined {
  const policyPackage = resolveFrom(__dirname, "@pulumi/policy/package.json");
  return policyPackage ? resolveFrom(path.dirname(policyPackage), "@pulumi/pulumi") : undefined;
}

function deferSdkRoot(): void {
  const cache = require.cache as Record<string, NodeModule | undefined> | undefined;
  const rootFile = sdkRootFile();
  if (!cache || !rootFile || cache[rootFile]) return;
  const assetFile = resolveFrom(path.dirname(rootFile), "./asset");
  if (!assetFile) return;
  const Module = require("module") as ModuleCtor;
  const standIn = new Module(rootFile, module);
  let real: Record<PropertyKey, unknown> | undefined;
  const load = (): Record<PropertyKey, unknown> => {
    if (!real) {
      if (cache[rootFile] === standIn) delete cache[rootFile];
      real = require(rootFile) as Record<PropertyKey, unknown>;
    }
    return real;
  };
  standIn.filename = rootFile;
  standIn.paths = Module._nodeModulePaths(path.dirname(rootFile));
  standIn.loaded = true;
  standIn.exports = new Proxy({} as Record<PropertyKey, unknown>, {
    get: (_, key) => (key === "__esModule" ? true : key === "asset" && !real ? require(assetFile) : load()[key]),
    has: (_, key) => key in load(),
    ownKeys: () => Reflect.ownKeys(load()),
    getOwnPropertyDescriptor: (_, key) => {
      const descriptor = Object.getOwnPropertyDescriptor(load(), key);
      return descriptor ? { ...descriptor, configurable: true } : undefined;
    },
  });
  cache[rootFile] = standIn;
}

deferSdkRoot();
