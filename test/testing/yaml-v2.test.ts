/** yaml/v2 children as the Kubernetes provider's Construct registers them (src/testing/yaml-v2.ts), on inputs directly. */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { yamlV2Children } from "../../src/testing/yaml-v2";

const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "yaml-v2-"));
fs.mkdirSync(path.join(dir, "m"));
fs.writeFileSync(path.join(dir, "m", "b.yaml"), "apiVersion: v1\nkind: ServiceAccount\nmetadata: { name: b }\n---\n");
fs.writeFileSync(path.join(dir, "m", "a.yaml"), "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: { name: a }\n");
const group = (props: Record<string, unknown>) => yamlV2Children({ type: "kubernetes:yaml/v2:ConfigGroup", name: "g", props }, dir, undefined);

test("globs sorted, then yaml, then objs; prefix defaults to the component name; namespaced kinds get `default`", () => {
  const out = group({ files: ["m/*.yaml"], yaml: "apiVersion: example.com/v1\nkind: Widget\nmetadata: { name: w }\n", objs: [{ apiVersion: "v1", kind: "Namespace", metadata: { name: "n" } }] });
  expect("children" in out && out.children.map((c) => `${c.type} ${c.name}`)).toEqual([
    "kubernetes:rbac.authorization.k8s.io/v1:ClusterRole g:a",
    "kubernetes:core/v1:ServiceAccount g:default/b",
    "kubernetes:example.com/v1:Widget g:default/w",
    "kubernetes:core/v1:Namespace g:n",
  ]);
});

test("a CRD in the same batch decides its kind's scope", () => {
  const crd = { apiVersion: "apiextensions.k8s.io/v1", kind: "CustomResourceDefinition", metadata: { name: "gadgets.example.com" }, spec: { group: "example.com", scope: "Cluster", names: { kind: "Gadget" } } };
  const out = group({ resourcePrefix: "", objs: [crd, { apiVersion: "example.com/v1", kind: "Gadget", metadata: { name: "x" } }] });
  expect("children" in out && out.children.map((c) => c.name)).toEqual(["gadgets.example.com", "x"]);
});

test("unknown inputs, URLs and unsupported globs are said, not guessed; bad objects and missing files throw like the provider", () => {
  expect(group({ yaml: UNKNOWN })).toEqual({ cannotSee: expect.stringMatching(/unknown at preview/) });
  expect(group({ files: ["https://example.com/x.yaml"] })).toEqual({ cannotSee: expect.stringMatching(/URL/) });
  expect(group({ files: ["**/x.yaml"] })).toEqual({ cannotSee: expect.stringMatching(/glob pattern/) });
  expect(() => group({ objs: [{ apiVersion: "v1", kind: "Pod", metadata: {} }] })).toThrow(/metadata\.name/);
  expect(() => group({ objs: [{ metadata: { name: "x" } }] })).toThrow(/kind and apiVersion/);
  expect(() => yamlV2Children({ type: "kubernetes:yaml/v2:ConfigFile", name: "f", props: { file: "missing.yaml" } }, dir, undefined)).toThrow(/missing\.yaml does not exist/);
});
