/**
 * `node [--require code-cache-preload.js] compiled-pack-runner.js <engine-address> <pack dir>`: starts one of this
 * package's compiled packs (pack-build.ts: JavaScript only, no `.ts` file in it) for the plan and the test kit.
 *
 * It is the engine's pack runner, `@pulumi/pulumi/cmd/run-policy-pack`, taking the path that runner itself takes
 * under Bun. That runner's entry installs source-map-support, records uncaught errors for the exit code, waits for
 * the SDK's V8 hooks and calls the SDK's `run()` with `typeScript: true`. Under Bun it skips two of those steps, and
 * so does this entry, for our compiled packs only:
 * - `typeScript: false`: `true` loads TypeScript and ts-node and registers a type-checking compiler for `.ts` files,
 *   ≈ 0.15 s of CPU per pack start (measured; docs/architecture.md), for files a compiled pack does not have.
 * - No wait for the V8 hooks (runtime/closure/v8Hooks.js): they open an inspector session with `Debugger.enable`,
 *   which makes V8 report every script already loaded and then each one compiled after it, for closure
 *   serialisation (`runtime/closure/v8.js`), which no policy pack calls; should one call it, v8Hooks opens its
 *   session on demand. Measured, spawn to the port, pod-security / aws-baseline, median of 12 interleaved rounds:
 *   310 → 232 ms wall, 340 → 270 ms CPU / 283 → 218 ms, 310 → 250 ms.
 * The remaining steps are the same, with the same SDK (resolved from the pack, as the engine resolves it).
 * Any other pack (someone's TypeScript or JavaScript pack) is started by the SDK's own runner, unchanged, and
 * `npm run parity` starts ours under the real engine and its runner too.
 */
import * as path from "path";

/** Exit code of the SDK's runner after it logged an error the user can act on (its own constant). */
const LOGGED_USER_ERROR_EXIT = 32;

function main(argv: string[]): void {
  const [address, packDir] = argv;
  if (!address || !packDir) {
    process.stderr.write("usage: compiled-pack-runner <engine-address> <pack dir>\n");
    process.exit(2);
  }
  const sdkRoot = path.dirname(require.resolve("@pulumi/pulumi/package.json", { paths: [path.resolve(packDir)] }));
  const fromSdk = (request: string) => require(require.resolve(request, { paths: [sdkRoot] }));
  fromSdk("source-map-support/register");

  // The runner's bookkeeping of uncaught errors: printed while no pack code runs, and a failing exit code.
  const uncaught = new Set<unknown>();
  const logged = new Set<unknown>();
  let running = false;
  const onUncaught = (err: unknown) => {
    uncaught.add(err);
    if (!running) console.error((err as Error)?.stack || (err as Error)?.message || String(err));
  };
  process.on("uncaughtException", onUncaught);
  process.on("unhandledRejection", onUncaught);
  process.on("exit", (code) => {
    if (code !== 0 || uncaught.size === 0) return;
    process.exitCode = [...uncaught].every((e) => logged.has(e)) ? LOGGED_USER_ERROR_EXIT : 1;
  });

  const minimist = fromSdk("minimist") as (args: string[], opts: object) => { _: string[] };
  const parsed = minimist([address, packDir], {});
  parsed._.shift();
  // The SDK's runner calls run() from a promise's continuation (after its hooks, or at once under Bun): so does this.
  void Promise.resolve().then(() => {
    const { run } = fromSdk("@pulumi/pulumi/cmd/run-policy-pack/run") as { run(opts: object): Promise<void> };
    void run({
      argv: parsed,
      programStarted: () => (running = true),
      reportLoggedError: (err: unknown) => logged.add(err),
      typeScript: false,
    }).then(() => (running = false));
  });
}

main(process.argv.slice(2));
