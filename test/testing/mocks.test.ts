import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import * as random from "@pulumi/random";
import { installMockRuntime, settle } from "../../src/testing/mocks";
import { isSecret } from "../../src/testing/wire";

describe.each([true, false])("mock runtime (preview=%s)", (preview) => {
  test("records parent, provider, options and marks additional secret outputs", async () => {
    const recorder = installMockRuntime({ preview, project: "p", stack: "s" });
    class Comp extends pulumi.ComponentResource {
      constructor(name: string, opts?: pulumi.ComponentResourceOptions) {
        super("test:index:Comp", name, {}, opts);
        const bucket = new aws.s3.Bucket(`${name}-bucket`, {}, { parent: this, protect: true, ignoreChanges: ["tags"] });
        this.registerOutputs({ bucket: bucket.bucket });
      }
    }
    const provider = new aws.Provider("west", { region: "us-west-2" });
    new Comp("c", { providers: [provider] });
    const password = new random.RandomPassword("pw", { length: 20 });
    await settle();
    const bucket = recorder.one("aws:s3/bucket:Bucket");
    expect(bucket.urn).toBe("urn:pulumi:s::p::test:index:Comp$aws:s3/bucket:Bucket::c-bucket");
    expect(bucket.parent).toBe("urn:pulumi:s::p::test:index:Comp::c");
    expect(bucket.options.protect).toBe(true);
    expect(bucket.options.ignoreChanges).toEqual(["tags"]);
    expect(recorder.regionOf(bucket)).toBe("us-west-2");
    const pw = recorder.one("random:index/randomPassword:RandomPassword");
    expect(isSecret(pw.outputs.result)).toBe(true);
    const revealed = await new Promise((resolve) => password.result.apply(resolve));
    expect(typeof revealed).toBe("string");
  });
});

test("RegisterResource answers on a later event-loop turn, as the engine's gRPC does (the plan's pack I/O runs meanwhile)", async () => {
  installMockRuntime({ preview: true, project: "p", stack: "s" });
  // A chain of resources, each waiting for the one before: with answers in the same turn as the request, the whole
  // chain resolves in microtasks and no I/O callback (a pack printing its port, a gRPC answer) can run in between.
  let turns = 0;
  let probing = true;
  const probe = () => {
    turns++;
    if (probing) setImmediate(probe);
  };
  setImmediate(probe);
  let previous: pulumi.Output<string> = pulumi.output("start");
  for (let i = 0; i < 20; i++) previous = new random.RandomPet(`pet-${i}`, { prefix: previous }).id.apply((id) => id ?? `pet-${i}`);
  await new Promise((resolve) => previous.apply(resolve));
  probing = false;
  await settle();
  expect(turns).toBeGreaterThanOrEqual(20);
});
