/**
 * The plan's unary gRPC client (src/testing/grpc-unary.ts) against a real `@grpc/grpc-js` server, the server every
 * `@pulumi/policy` pack runs, and against a raw HTTP/2 server for what a well-behaved server never sends.
 */
import * as grpc from "@grpc/grpc-js";
import * as http2 from "http2";
import { AddressInfo } from "net";
import { frame, GrpcError, unaryChannel, unframe } from "../../src/testing/grpc-unary";

const identity = (b: Buffer) => b;
const method = (path: string): grpc.MethodDefinition<Buffer, Buffer> => ({
  path,
  requestStream: false,
  responseStream: false,
  requestSerialize: identity,
  requestDeserialize: identity,
  responseSerialize: identity,
  responseDeserialize: identity,
});
const SERVICE = { echo: method("/t.T/Echo"), fail: method("/t.T/Fail"), throws: method("/t.T/Throws") };

describe("unary calls to a grpc-js server", () => {
  let server: grpc.Server;
  let port: number;
  beforeAll(async () => {
    server = new grpc.Server({ "grpc.max_receive_message_length": -1, "grpc.max_send_message_length": -1 });
    server.addService(SERVICE, {
      echo: (call: grpc.ServerUnaryCall<Buffer, Buffer>, cb: grpc.sendUnaryData<Buffer>) => cb(null, call.request),
      fail: (_call: unknown, cb: grpc.sendUnaryData<Buffer>) => cb({ code: grpc.status.FAILED_PRECONDITION, details: "policy 100% wrong: ünïcode, newline\nand all" }),
      throws: () => {
        throw new Error("handler blew up");
      },
    });
    port = await new Promise<number>((resolve, reject) => server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (e, p) => (e ? reject(e) : resolve(p))));
  });
  afterAll(() => server.forceShutdown());

  test("echoes empty, small and 40 MB messages, many in flight on one session", async () => {
    const channel = unaryChannel(port);
    const big = Buffer.alloc(40 * 1024 * 1024, 7);
    const small = Array.from({ length: 200 }, (_, i) => Buffer.from(`message ${i}`));
    const [empty, large, ...rest] = await Promise.all([channel.call("/t.T/Echo", new Uint8Array(0)), channel.call("/t.T/Echo", big), ...small.map((m) => channel.call("/t.T/Echo", m))]);
    expect(empty.length).toBe(0);
    expect(large.equals(big)).toBe(true);
    expect(rest.map(String)).toEqual(small.map(String));
    channel.close();
  });

  test("a status from the server is the call's error, worded as grpc-js words it, details decoded", async () => {
    const channel = unaryChannel(port);
    await expect(channel.call("/t.T/Fail", Buffer.from("x"))).rejects.toMatchObject({ code: 9, message: "9 FAILED_PRECONDITION: policy 100% wrong: ünïcode, newline\nand all" });
    await expect(channel.call("/t.T/Nope", Buffer.from("x"))).rejects.toMatchObject({ code: 12, message: expect.stringMatching(/^12 UNIMPLEMENTED: /) });
    await expect(channel.call("/t.T/Throws", Buffer.from("x"))).rejects.toBeInstanceOf(GrpcError);
    // The session survives failed calls.
    expect(String(await channel.call("/t.T/Echo", Buffer.from("still up")))).toBe("still up");
    channel.close();
  });
});

describe("what a broken server or a lost connection does", () => {
  function rawServer(onStream: (stream: http2.ServerHttp2Stream) => void): Promise<{ port: number; close: () => void }> {
    const server = http2.createServer();
    server.on("stream", (stream) => {
      stream.on("error", () => undefined);
      stream.on("data", () => undefined);
      stream.on("end", () => onStream(stream));
    });
    return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve({ port: (server.address() as AddressInfo).port, close: () => server.close() })));
  }

  test.each([
    ["a compressed message", (s: http2.ServerHttp2Stream) => { s.respond({ ":status": 200, "content-type": "application/grpc" }, { waitForTrailers: true }); s.on("wantTrailers", () => s.sendTrailers({ "grpc-status": "0" })); s.end(Buffer.from([1, 0, 0, 0, 1, 9])); }, /^13 INTERNAL: compressed response message/],
    ["a truncated message", (s: http2.ServerHttp2Stream) => { s.respond({ ":status": 200, "content-type": "application/grpc" }, { waitForTrailers: true }); s.on("wantTrailers", () => s.sendTrailers({ "grpc-status": "0" })); s.end(Buffer.from([0, 0, 0, 0, 9, 1])); }, /^13 INTERNAL: response message framed as 9 bytes, body holds 1/],
    ["no status at all (stream reset)", (s: http2.ServerHttp2Stream) => s.close(http2.constants.NGHTTP2_INTERNAL_ERROR), /^13 INTERNAL: Received RST_STREAM with code 2/],
    ["an HTTP error without a gRPC status", (s: http2.ServerHttp2Stream) => { s.respond({ ":status": 503 }); s.end(); }, /^2 UNKNOWN: HTTP status 503/],
    ["a Trailers-Only error", (s: http2.ServerHttp2Stream) => { s.respond({ ":status": 200, "content-type": "application/grpc", "grpc-status": "8", "grpc-message": "too%20big" }, { endStream: true }); }, /^8 RESOURCE_EXHAUSTED: too big$/],
  ])("%s fails the call", async (_name, behave, message) => {
    const server = await rawServer(behave);
    const channel = unaryChannel(server.port);
    await expect(channel.call("/t.T/Echo", Buffer.from("x"))).rejects.toThrow(message);
    channel.close();
    server.close();
  });

  test("a server that goes away mid-call fails the call and every later one (UNAVAILABLE), no hang", async () => {
    const server = http2.createServer();
    server.on("session", (session) => server.once("stream", () => session.destroy()));
    const port = await new Promise<number>((resolve) => server.listen(0, "127.0.0.1", () => resolve((server.address() as AddressInfo).port)));
    const channel = unaryChannel(port);
    await expect(channel.call("/t.T/Echo", Buffer.from("x"))).rejects.toBeInstanceOf(GrpcError);
    await expect(channel.call("/t.T/Echo", Buffer.from("y"))).rejects.toMatchObject({ code: 14 });
    channel.close();
    server.close();
  });

  test("a port nobody listens on fails with UNAVAILABLE", async () => {
    const server = await rawServer(() => undefined);
    server.close();
    const channel = unaryChannel(server.port);
    await expect(channel.call("/t.T/Echo", Buffer.from("x"))).rejects.toMatchObject({ code: 14 });
    channel.close();
  });
});

test("framing: one uncompressed, length-prefixed message", () => {
  expect([...frame(Buffer.from("ab"))]).toEqual([0, 0, 0, 0, 2, 97, 98]);
  expect(String(unframe(frame(Buffer.from("hello"))))).toBe("hello");
  expect(() => unframe(Buffer.from([0, 0, 0]))).toThrow(/holds no message/);
});
