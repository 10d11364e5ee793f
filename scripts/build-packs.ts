/**
 * `npm run build:packs [-- --out <dir>]`: compiles every pack under policy/ (each directory holding a
 * PulumiPolicy.yaml) into `<out>/<pack>/` (default `dist/packs`), a folder that is the publishable package:
 * `cd dist/packs/<pack> && pulumi policy publish <org>`. Layout and reasons: src/testing/pack-build.ts.
 */
import * as path from "path";
import { buildPack, bundledPackDirs, packageRoot } from "../src/testing/pack-build";

function main(argv: readonly string[]): number {
  const root = packageRoot(__dirname);
  const at = argv.indexOf("--out");
  const out = path.resolve(at >= 0 && argv[at + 1] ? argv[at + 1] : path.join(root, "dist", "packs"));
  const packs = bundledPackDirs(root);
  if (packs.length === 0) {
    process.stderr.write(`error: no policy pack (a directory with PulumiPolicy.yaml) under ${path.join(root, "policy")}\n`);
    return 2;
  }
  for (const dir of packs) {
    try {
      const closure = buildPack(dir, path.join(out, path.basename(dir)));
      process.stdout.write(`${path.basename(dir)}: ${closure.files.length} modules, imports ${closure.packages.join(", ")} → ${path.relative(process.cwd(), path.join(out, path.basename(dir)))}\n`);
    } catch (err) {
      process.stderr.write(`error: ${(err as Error).message}\n`);
      return 2;
    }
  }
  return 0;
}

process.exitCode = main(process.argv.slice(2));
