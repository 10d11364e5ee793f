/** What the plan sends analyzers, as the engine would: default providers, alias URNs, component outputs. */
import { aliasUrn, defaultProvider, toAnalyzerResource } from "../../src/cli/engine-view";
import { RecordedResource, ResourceRecorder } from "../../src/testing/mocks";

const identity = { stack: "prod", project: "shop", config: { "aws:region": "eu-west-1", "kubernetes:namespace": "apps", "shop:size": "3" } };

function recorded(partial: Partial<RecordedResource> & Pick<RecordedResource, "urn" | "type" | "name">): RecordedResource {
  return {
    custom: true,
    props: {},
    outputs: {},
    dependencies: [],
    propertyDependencies: {},
    options: { protect: false, retainOnDelete: false, deleteBeforeReplace: false, ignoreChanges: [], replaceOnChanges: [], additionalSecretOutputs: [], dependsOn: [], aliases: [] },
    ...partial,
  };
}

test("a resource naming no provider gets its package's default provider, configured from the stack's package keys", () => {
  expect(defaultProvider("aws:s3/bucket:Bucket", identity)).toEqual({
    type: "pulumi:providers:aws",
    name: "default",
    urn: "urn:pulumi:prod::shop::pulumi:providers:aws::default",
    props: { region: "eu-west-1" },
  });
  expect(defaultProvider("kubernetes:apps/v1:Deployment", identity)?.props).toEqual({ namespace: "apps" });
  expect(defaultProvider("pulumi:pulumi:Stack", identity)).toBeUndefined();
});

test("alias specs become URNs, with the parent's type chain unless the parent is the root stack", () => {
  const recorder = new ResourceRecorder();
  const root = recorded({ urn: "urn:pulumi:prod::shop::pulumi:pulumi:Stack::shop-prod", type: "pulumi:pulumi:Stack", name: "shop-prod", custom: false });
  const parent = recorded({ urn: "urn:pulumi:prod::shop::my:index:Web::web", type: "my:index:Web", name: "web", custom: false, parent: root.urn });
  recorder.add(root);
  recorder.add(parent);
  const child = recorded({ urn: "urn:pulumi:prod::shop::my:index:Web$aws:s3/bucket:Bucket::web-assets", type: "aws:s3/bucket:Bucket", name: "web-assets", parent: parent.urn });
  expect(aliasUrn({ name: "assets" }, child, identity, recorder)).toBe("urn:pulumi:prod::shop::my:index:Web$aws:s3/bucket:Bucket::assets");
  expect(aliasUrn({ name: "assets", noParent: true }, child, identity, recorder)).toBe("urn:pulumi:prod::shop::aws:s3/bucket:Bucket::assets");
  expect(aliasUrn({ parent: root.urn }, child, identity, recorder)).toBe("urn:pulumi:prod::shop::aws:s3/bucket:Bucket::web-assets");
  expect(aliasUrn("urn:pulumi:prod::shop::aws:s3/bucket:Bucket::old", child, identity, recorder)).toBe("urn:pulumi:prod::shop::aws:s3/bucket:Bucket::old");
});

test("components arrive at AnalyzeStack with the outputs they registered, not {}", () => {
  const recorder = new ResourceRecorder();
  const component = recorded({ urn: "urn:pulumi:prod::shop::my:index:Web::web", type: "my:index:Web", name: "web", custom: false, outputs: { url: "https://x" } });
  recorder.add(component);
  expect(toAnalyzerResource(component, recorder, true, identity).props).toEqual({ url: "https://x" });
  expect(toAnalyzerResource(component, recorder, true, identity).provider).toBeUndefined();
});
