/**
 * Jest's node environment with two changes, both outside what any test asserts on:
 *
 * 1. `Error.stackTraceLimit` back to Node's default (10) inside the test context. jest-environment-node raises it to
 *    100, and jest renders every captured stack through its source-map formatter, frame by frame. @pulumi/pulumi
 *    reads `new Error().stack` for every promise it wraps (runtime/debuggable.js debuggablePromise), so under jest a
 *    program of 1,000 resources spent half its CPU mapping stack frames nobody reads (the offline runtime now skips
 *    that capture unless `debug` is set, src/testing/sdk-cost.ts; what follows holds for the SDK's own wrapper).
 *    A plan (bin/production-platform, the Pulumi language host) runs with Node's default of 10, so tests now see what users' programs see. The SDK's
 *    own source positions (resource.js Resource.callsites) lift the limit to Infinity for their one capture, so the
 *    program lines in reports are unchanged. A failing test's stack shows its 10 innermost frames.
 * 2. With JEST_CPU_LEDGER=<file> (`npm run test:cpu`, scripts/test-cpu.ts), one JSON line per test file: the worker's
 *    own user+system CPU and that of every child process it waited for (plans, packs, npm), from /proc/self/stat
 *    (Linux; elsewhere nothing is written). Wall time per suite lies on a shared machine; CPU does not.
 */
const fs = require("fs");
const NodeEnvironment = require("jest-environment-node").TestEnvironment;

/** The realm jest's worker runs in: its `Error.prepareStackTrace` is jest's source-map formatter once installed. */
const WorkerError = Error;

/**
 * @pulumi/pulumi's debuggablePromise keeps `new Error().stack` on every promise it wraps, for one purpose: the list of
 * unsettled promises it prints if the program exits with some still pending. Those stacks are rendered natively (the
 * positions of the code that ran, as Node prints them without source maps) instead of through jest's per-frame
 * source-map formatter; every other stack, including the SDK's resource source positions, still goes through jest's.
 */
function isDebuggablePromiseStack(trace) {
  const top = trace[0];
  return top !== undefined && top.getFunctionName() === "debuggablePromise" && /[\\/]@pulumi[\\/]pulumi[\\/]runtime[\\/]debuggable\.js$/.test(top.getFileName() ?? "");
}

function prepareStackTrace(error, trace) {
  if (isDebuggablePromiseStack(trace)) return `${error}${trace.map((frame) => `\n    at ${frame}`).join("")}`;
  const worker = WorkerError.prepareStackTrace;
  return typeof worker === "function" ? worker(error, trace) : `${error}${trace.map((frame) => `\n    at ${frame}`).join("")}`;
}

/** Node's default (lib/internal/bootstrap: V8's kDefaultStackTraceLimit). */
const NODE_STACK_TRACE_LIMIT = 10;
const TICKS_PER_SECOND = 100; // USER_HZ on Linux

/** utime + stime and cutime + cstime (fields 14–17 of proc(5) stat), in seconds; undefined where /proc is absent. */
function cpuNow() {
  try {
    const stat = fs.readFileSync("/proc/self/stat", "utf8");
    const [utime, stime, cutime, cstime] = stat.slice(stat.lastIndexOf(")") + 2).split(" ").slice(11, 15).map(Number);
    return { self: (utime + stime) / TICKS_PER_SECOND, children: (cutime + cstime) / TICKS_PER_SECOND };
  } catch {
    return undefined;
  }
}

class PlatformTestEnvironment extends NodeEnvironment {
  constructor(config, context) {
    super(config, context);
    this.global.Error.stackTraceLimit = NODE_STACK_TRACE_LIMIT;
    this.global.Error.prepareStackTrace = prepareStackTrace;
    this.testPath = context.testPath;
    this.ledger = process.env.JEST_CPU_LEDGER;
  }

  async setup() {
    this.start = { cpu: cpuNow(), wall: Date.now() };
    await super.setup();
  }

  async teardown() {
    await super.teardown();
    const end = cpuNow();
    if (!this.ledger || !this.start.cpu || !end) return;
    const row = {
      file: this.testPath,
      self: +(end.self - this.start.cpu.self).toFixed(2),
      children: +(end.children - this.start.cpu.children).toFixed(2),
      wall: (Date.now() - this.start.wall) / 1000,
      pid: process.pid,
    };
    fs.appendFileSync(this.ledger, `${JSON.stringify(row)}\n`);
  }
}

module.exports = PlatformTestEnvironment;
