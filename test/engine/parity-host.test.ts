/**
 * `npm run parity` runs only on the real Node.js language host: the launcher next to `pulumi` must be the bridge,
 * and the bridge's directory must hold the built real host (tools/engine/build.sh). Anything else is refused.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { languageHost } from "../../tools/engine/parity/engine";

let bin: string;
beforeEach(() => (bin = fs.mkdtempSync(path.join(os.tmpdir(), "parity-host-"))));
afterEach(() => fs.rmSync(bin, { recursive: true, force: true }));

const launcher = (body: string) => fs.writeFileSync(path.join(bin, "pulumi-language-nodejs"), body, { mode: 0o755 });

test("no launcher: refused, naming the file", () => {
  expect(languageHost(bin)).toEqual({ real: false, description: `${path.join(bin, "pulumi-language-nodejs")} is missing` });
});

test("a launcher that starts anything but the bridge (e.g. a TypeScript stand-in) is refused", () => {
  launcher('#!/bin/sh\nexec node "/repo/tools/engine/launch.js" language-host "$@"\n');
  expect(languageHost(bin).real).toBe(false);
});

test("the bridge without a built real host is refused", () => {
  launcher(`#!/bin/sh\nexec node "/repo/tools/engine/launch.js" host-bridge ${path.join(bin, "nodejs-host-v3.68.0")} "$@"\n`);
  expect(languageHost(bin)).toMatchObject({ real: false, description: expect.stringContaining("does not start the real language host") });
});

test("the bridge in front of a built real host is accepted and named with its version", () => {
  const hostDir = path.join(bin, "nodejs-host-v3.68.0");
  fs.mkdirSync(hostDir);
  fs.writeFileSync(path.join(hostDir, "pulumi-language-nodejs"), "", { mode: 0o755 });
  launcher(`#!/bin/sh\nexec node "/repo/tools/engine/launch.js" host-bridge ${hostDir} "$@"\n`);
  expect(languageHost(bin)).toEqual({ real: true, description: `real pulumi-language-nodejs v3.68.0 (${path.join(hostDir, "pulumi-language-nodejs")}) behind language-host/bridge.ts` });
});
