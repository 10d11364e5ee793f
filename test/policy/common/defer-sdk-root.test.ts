/**
 * policy/common/defer-sdk-root.ts in a process of its own (jest has its own module registry, where it does nothing):
 * after it, `@pulumi/policy` loads and rebuilds an asset from resource properties without the SDK's root (so without
 * the Automation API and npm's arborist), the asset is the SDK's own class, and the first use of anything else of the
 * root loads the real root, which every later `require` then gets.
 */
import { spawnSync } from "child_process";
import * as path from "path";

const ROOT = path.resolve(__dirname, "..", "..", "..");

const SCRIPT = `
(async () => {
const loaded = () => Object.keys(require.cache);
require(${JSON.stringify(path.join(ROOT, "policy", "common", "defer-sdk-root.ts"))});
const { deserializeProperties } = require("@pulumi/policy/deserialize");
const { Struct } = require("google-protobuf/google/protobuf/struct_pb.js");
const rpc = require("@pulumi/pulumi/runtime/rpc");
const props = Struct.fromJavaScript({ code: { [rpc.specialSigKey]: rpc.specialAssetSig, path: "handler.zip" } });
const code = deserializeProperties(props, false).code;
const asset = require("@pulumi/pulumi/asset");
const before = {
  assetIsTheSdks: code instanceof asset.FileAsset && asset.Asset.isInstance(code),
  path: await code.path,
  automationLoaded: loaded().some((f) => f.includes("/@pulumi/pulumi/automation/") || f.includes("/@npmcli/arborist/")),
};
const stand = require("@pulumi/pulumi");
const config = typeof stand.Config;
const after = {
  config,
  automationLoaded: loaded().some((f) => f.includes("/@pulumi/pulumi/automation/")),
  laterRequireIsReal: require("@pulumi/pulumi") !== stand && require("@pulumi/pulumi").asset === asset,
  keys: Object.keys(stand).includes("runtime"),
};
process.stdout.write(JSON.stringify({ before, after }));
})();
`;

test("a pack process loads @pulumi/policy and rebuilds assets without the SDK root; any other use loads the real root", () => {
  const result = spawnSync(process.execPath, ["-r", "ts-node/register/transpile-only", "-e", SCRIPT], { cwd: ROOT, encoding: "utf8", timeout: 60_000 });
  expect(result.stderr).toBe("");
  expect(JSON.parse(result.stdout)).toEqual({
    before: { assetIsTheSdks: true, path: "handler.zip", automationLoaded: false },
    after: { config: "function", automationLoaded: true, laterRequireIsReal: true, keys: true },
  });
});
