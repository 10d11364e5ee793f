/**
 * policy/common/deserialise-once.ts: a request's properties are deserialised once however many policies ask, the
 * value is what `@pulumi/policy` would have built, and nothing is kept past the request. The module patch is checked
 * in a process of its own, as a pack process loads it (after defer-sdk-root.ts, before any policy runs).
 */
import { spawnSync } from "child_process";
import * as path from "path";
import { deserialisingOnce } from "../../../policy/common/deserialise-once";

const ROOT = path.resolve(__dirname, "..", "..", "..");

test("each (Struct, proxySecrets) pair is deserialised once; other requests and the secrets flag are their own", () => {
  const calls: [object, boolean][] = [];
  const once = deserialisingOnce((struct, proxySecrets) => (calls.push([struct, proxySecrets]), { from: struct, proxySecrets }));
  const a = {};
  const b = {};
  const first = once(a, false);
  expect(once(a, false)).toBe(first);
  expect(once(b, false)).not.toBe(first);
  expect(once(a, true)).toEqual({ from: a, proxySecrets: true });
  expect(once(a, true)).toBe(once(a, true));
  expect(calls).toEqual([[a, false], [b, false], [a, true]]);
});

const SCRIPT = `
require(${JSON.stringify(path.join(ROOT, "policy", "common", "defer-sdk-root.ts"))});
const original = require("@pulumi/policy/deserialize").deserializeProperties;
require(${JSON.stringify(path.join(ROOT, "policy", "common", "deserialise-once.ts"))});
require(${JSON.stringify(path.join(ROOT, "policy", "common", "deserialise-once.ts"))});
const mod = require("@pulumi/policy/deserialize");
const { Struct } = require("google-protobuf/google/protobuf/struct_pb.js");
const rpc = require("@pulumi/pulumi/runtime/rpc");
const props = () => Struct.fromJavaScript({
  name: "web",
  tags: { team: "a" },
  ports: [80, 443],
  password: { [rpc.specialSigKey]: rpc.specialSecretSig, value: "s3cret" },
  code: { [rpc.specialSigKey]: rpc.specialAssetSig, text: "exports.handler = 1" },
});
const request = props();
const once = mod.deserializeProperties(request, false);
process.stdout.write(JSON.stringify({
  patchedOnce: mod.deserializeProperties !== original && mod.deserializeProperties.__deserialisedOnce === true && !("__deserialisedOnce" in original),
  sameObjectPerRequest: mod.deserializeProperties(request, false) === once,
  newObjectPerRequest: mod.deserializeProperties(props(), false) !== once,
  sameValueAsUpstream: require("util").isDeepStrictEqual(once, original(props(), false)),
  secretUnwrapped: once.password,
  stringAsset: once.code instanceof require("@pulumi/pulumi/asset").StringAsset,
}));
`;

test("in a pack process, @pulumi/policy's deserializeProperties answers each request once, with upstream's value", () => {
  const result = spawnSync(process.execPath, ["-r", "ts-node/register/transpile-only", "-e", SCRIPT], { cwd: ROOT, encoding: "utf8", timeout: 60_000 });
  expect(result.stderr).toBe("");
  expect(JSON.parse(result.stdout)).toEqual({
    patchedOnce: true,
    sameObjectPerRequest: true,
    newObjectPerRequest: true,
    sameValueAsUpstream: true,
    secretUnwrapped: "s3cret",
    stringAsset: true,
  });
});

test("every pack imports defer-sdk-root and then deserialise-once before anything else", () => {
  const fs = require("fs") as typeof import("fs");
  const packs = fs.readdirSync(path.join(ROOT, "policy")).filter((d) => fs.existsSync(path.join(ROOT, "policy", d, "PulumiPolicy.yaml")));
  expect(packs.length).toBeGreaterThanOrEqual(5);
  for (const pack of packs) {
    const imports = [...fs.readFileSync(path.join(ROOT, "policy", pack, "index.ts"), "utf8").matchAll(/^import .*?["']([^"']+)["'];$/gm)].map((m) => m[1]);
    expect([pack, imports.slice(0, 2)]).toEqual([pack, ["../common/defer-sdk-root", "../common/deserialise-once"]]);
  }
});
