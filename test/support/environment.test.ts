/**
 * The jest environment (test/support/environment.js): Node's stack trace limit in tests, jest's source-map formatter
 * for every stack but the debug stacks @pulumi/pulumi keeps on its promises, and resources' program lines unchanged.
 */
import * as fs from "fs";
import * as path from "path";
import * as aws from "@pulumi/aws";
import { runOffline } from "../../src/testing";

const SOURCE = fs.readFileSync(__filename, "utf8").split("\n");
const lineOf = (marker: string) => SOURCE.findIndex((l) => l.includes(`// @line:${marker}`)) + 1;

/** Shares its name with the SDK's function, so only the file decides which stacks skip jest's formatter. */
function debuggablePromise(): Error {
  return new Error("named like the SDK's"); // @line:lookalike
}

test("Error.stackTraceLimit is Node's default, as in a plan's program (jest-environment-node raised it to 100)", () => {
  expect(Error.stackTraceLimit).toBe(10);
  const deep = (n: number): Error => (n === 0 ? new Error("deep") : deep(n - 1));
  expect(deep(50).stack!.split("\n").filter((l) => l.startsWith("    at "))).toHaveLength(10);
});

test("a test's own stack is source-mapped to the TypeScript line, also from a function named debuggablePromise", () => {
  const error = new Error("here"); // @line:own
  expect(error.stack!.split("\n")[1]).toContain(`${path.basename(__filename)}:${lineOf("own")}:`);
  expect(debuggablePromise().stack!.split("\n")[1]).toContain(`${path.basename(__filename)}:${lineOf("lookalike")}:`);
});

test("the SDK's promise debug stacks are still captured (rendered natively: the leak report's only reader)", async () => {
  const { debuggablePromise: wrap } = require("@pulumi/pulumi/runtime/debuggable");
  const promise: any = Promise.resolve(1);
  await wrap(promise, "probe");
  expect(promise._debugStackTrace).toMatch(/^Error\n {4}at debuggablePromise \(.*[\\/]@pulumi[\\/]pulumi[\\/]runtime[\\/]debuggable\.js:\d+:\d+\)/);
  expect(promise._debugStackTrace).toContain(path.basename(__filename));
});

test("a resource's source position is the TypeScript line that constructed it (what reports and SARIF point at)", async () => {
  const { recorder } = await runOffline(() => {
    new aws.s3.BucketV2("logs"); // @line:bucket
  }, { preview: true, project: "env", stack: "dev" });
  const position = recorder.one("aws:s3/bucketV2:BucketV2").sourcePosition;
  expect(position).toMatchObject({ uri: expect.stringContaining(path.basename(__filename)), line: lineOf("bucket") });
});
