/**
 * Unary gRPC calls over one HTTP/2 session: the plan's client of a policy pack, in the engine's place.
 *
 * The engine dials each analyzer once and makes every call unary on that connection (pulumi/pulumi
 * pkg/resource/plugin/analyzer_plugin.go, a Go gRPC client). The plan did the same through `@grpc/grpc-js`, whose
 * per-call machinery (channel, subchannel, load-balancing and resolving calls, filters, metadata) was ≈ 1.8 s of
 * CPU for a prod plan's 6,000 `Analyze` calls, twice what this file spends on the same calls (issue 22). The pack's
 * side is unchanged: its server is the real `@pulumi/policy` on `@grpc/grpc-js`, and the bytes each call carries are
 * the same. What this implements is the unary subset of "gRPC over HTTP2" (grpc/grpc doc/PROTOCOL-HTTP2.md):
 *
 * - request: `POST /<service>/<method>`, `content-type: application/grpc`, `te: trailers`, one length-prefixed
 *   message (a compressed-flag byte 0, a 4-byte big-endian length, the message), end of stream;
 * - response: headers, then length-prefixed message(s), then trailers with `grpc-status` and a percent-encoded
 *   `grpc-message`; or headers alone carrying the status ("Trailers-Only", how a server reports an error at once);
 * - no compression is offered (no `grpc-accept-encoding`), so a compressed message is a protocol error.
 *
 * Errors read as `@grpc/grpc-js` words them (`<code> <NAME>: <details>`, e.g. `12 UNIMPLEMENTED: …`), so callers
 * that match on a status name keep working. A stream reset or a connection lost mid-call fails that call as
 * `13 INTERNAL` / `14 UNAVAILABLE`; it never hangs.
 */
import * as http2 from "http2";

/** gRPC status names by code (grpc/grpc doc/statuscodes.md). */
const STATUS = ["OK", "CANCELLED", "UNKNOWN", "INVALID_ARGUMENT", "DEADLINE_EXCEEDED", "NOT_FOUND", "ALREADY_EXISTS", "PERMISSION_DENIED", "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION", "ABORTED", "OUT_OF_RANGE", "UNIMPLEMENTED", "INTERNAL", "UNAVAILABLE", "DATA_LOSS", "UNAUTHENTICATED"];

/** A failed call: `code` is the gRPC status code, `details` the server's message. */
export class GrpcError extends Error {
  constructor(
    readonly code: number,
    readonly details: string,
  ) {
    super(`${code} ${STATUS[code] ?? "UNKNOWN"}: ${details}`);
  }
}

export interface UnaryChannel {
  /** Sends `message` (serialised) to `path` (`/package.Service/Method`) and resolves with the response's bytes. */
  call(path: string, message: Uint8Array): Promise<Buffer>;
  close(): void;
}

/** The message carried by a unary response body: exactly one uncompressed, length-prefixed message. */
export function unframe(body: Buffer): Buffer {
  if (body.length < 5) throw new GrpcError(13, `response body of ${body.length} bytes holds no message`);
  if (body[0] !== 0) throw new GrpcError(13, "compressed response message, but no compression was offered");
  const length = body.readUInt32BE(1);
  if (body.length !== 5 + length) throw new GrpcError(13, `response message framed as ${length} bytes, body holds ${body.length - 5}`);
  return body.subarray(5);
}

/** The length-prefixed frame of one uncompressed message. */
export function frame(message: Uint8Array): Buffer {
  const out = Buffer.allocUnsafe(5 + message.byteLength);
  out[0] = 0;
  out.writeUInt32BE(message.byteLength, 1);
  out.set(message, 5);
  return out;
}

function statusOf(headers: http2.IncomingHttpHeaders): { code: number; details: string } | undefined {
  const raw = headers["grpc-status"];
  if (raw === undefined) return undefined;
  const code = Number(raw);
  let details = String(headers["grpc-message"] ?? "");
  try {
    details = decodeURIComponent(details);
  } catch {
    // not percent-encoded after all: keep it as sent
  }
  return { code: Number.isInteger(code) ? code : 2, details };
}

/** One HTTP/2 session to `127.0.0.1:<port>`, opened now; every call shares it. */
export function unaryChannel(port: number): UnaryChannel {
  // No session memory limit: nghttp2 refuses streams (ENHANCE_YOUR_CALM) once buffered data passes it, and one
  // AnalyzeStack request of a 20k-resource stack is far above its 10 MB default; grpc-js lifts it the same way.
  const session = http2.connect(`http://127.0.0.1:${port}`, { maxSessionMemory: Number.MAX_SAFE_INTEGER, maxSendHeaderBlockLength: Number.MAX_SAFE_INTEGER });
  let lost: GrpcError | undefined;
  // A session error (the pack died, the port refused) fails every open stream through its own 'error'/'close';
  // later calls fail at once with the same cause.
  session.on("error", (err) => (lost = new GrpcError(14, `connection to 127.0.0.1:${port} failed: ${err.message}`)));
  session.on("close", () => (lost ??= new GrpcError(14, "Connection dropped")));
  const call = (path: string, message: Uint8Array): Promise<Buffer> =>
    new Promise((resolve, reject) => {
      if (lost || session.closed || session.destroyed) return reject(lost ?? new GrpcError(14, "Connection dropped"));
      const stream = session.request({ ":method": "POST", ":path": path, "content-type": "application/grpc", te: "trailers" });
      const chunks: Buffer[] = [];
      let status: { code: number; details: string } | undefined;
      stream.on("response", (headers) => {
        const httpStatus = Number(headers[":status"]);
        status = statusOf(headers);
        if (!status && httpStatus !== 200) status = { code: 2, details: `HTTP status ${httpStatus}` };
      });
      stream.on("trailers", (trailers) => (status = statusOf(trailers) ?? status));
      stream.on("data", (chunk: Buffer) => chunks.push(chunk));
      let streamError: Error | undefined;
      stream.on("error", (err) => (streamError = err)); // reported by 'close' below
      stream.on("close", () => {
        if (!status) {
          // The session went (refused, reset, the pack died): UNAVAILABLE, as grpc-js says of a lost connection.
          if (lost || session.destroyed || session.closed) return reject(lost ?? new GrpcError(14, streamError?.message ?? "Connection dropped"));
          return reject(new GrpcError(13, `Received RST_STREAM with code ${stream.rstCode}`));
        }
        if (status.code !== 0) return reject(new GrpcError(status.code, status.details));
        try {
          resolve(unframe(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks)));
        } catch (err) {
          reject(err);
        }
      });
      stream.end(frame(message));
    });
  return { call, close: () => session.close() };
}
