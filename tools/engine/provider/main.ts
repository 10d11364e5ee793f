/**
 * Entry point of the stand-in provider plugin: `main.ts <aws|kubernetes|random> [engine-address]`.
 *
 * The engine launches a plugin with the engine's address as its argument and reads the port from the first line the
 * plugin prints (sdk/go/common/resource/plugin/plugin.go `newPlugin`), so nothing else may be written to stdout.
 * The version reported is the one the SDK package in package-lock.json asks for (its package.json `pulumi.version`).
 */
import * as path from "path";
import { serve, type PluginIdentity } from "./server";

const NAMES = ["aws", "kubernetes", "random"] as const;

export function identityFor(name: string, repoRoot: string): PluginIdentity {
  if (!(NAMES as readonly string[]).includes(name)) {
    throw new Error(`unknown provider '${name}': the stand-in serves ${NAMES.join(", ")}`);
  }
  const manifest = require(path.join(repoRoot, "node_modules", "@pulumi", name, "package.json"));
  const version = manifest.pulumi?.version ?? manifest.version;
  return { name: name as PluginIdentity["name"], version };
}

export async function main(argv: string[]): Promise<void> {
  const repoRoot = path.resolve(__dirname, "..", "..", "..");
  const identity = identityFor(argv[0] ?? "", repoRoot);
  const { port, server } = await serve(identity);
  process.stdout.write(`${port}\n`);
  const stop = () => server.tryShutdown(() => process.exit(0));
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
  // The engine kills its plugins when it is done; if it dies first we must not linger as an orphan.
  const parent = process.ppid;
  setInterval(() => {
    if (process.ppid !== parent) process.exit(0);
  }, 1000).unref();
  // Keep the event loop alive while the server runs (grpc-js's handles alone are enough, this is explicit).
  setInterval(() => undefined, 1 << 30);
}
