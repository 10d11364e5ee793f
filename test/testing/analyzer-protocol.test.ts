/**
 * src/testing/analyzer-protocol.ts `diagnosticsOnly`: the plan decodes `AnalyzeResponse` for its diagnostics and
 * passes over the rest (`notApplicable`, most of a response). What it builds must be what the generated decoder
 * builds for the diagnostics, whatever else the response holds, and a broken response must still fail.
 */
import * as path from "path";
import { diagnosticsOnly, packProtocol, toFindings } from "../../src/testing/analyzer-protocol";

const ROOT = path.resolve(__dirname, "..", "..");
const sdkRoot = path.dirname(require.resolve("@pulumi/pulumi/package.json", { paths: [ROOT] }));
const protocol = packProtocol(sdkRoot, (m) => require(path.join(sdkRoot, m)));
const pb = protocol.analyzerProto;

function response(): Uint8Array {
  const r = new pb.AnalyzeResponse();
  for (const [i, level] of [[0, 1], [1, 2]]) {
    const d = new pb.AnalyzeDiagnostic();
    d.setPolicyname(`policy-${i}`);
    d.setPolicypackname("pack");
    d.setPolicypackversion("1.0.0");
    d.setDescription("what it checks");
    d.setMessage(`message ${i} — with ünicode`);
    d.setEnforcementlevel(level);
    d.setUrn(`urn:pulumi:dev::p::aws:s3/bucket:Bucket::b${i}`);
    r.addDiagnostics(d);
  }
  for (let i = 0; i < 30; i++) {
    const n = new pb.PolicyNotApplicable();
    n.setPolicyName(`other-${i}`);
    n.setReason("Policy only applies to resources of type 'aws:kms/key:Key'");
    r.addNotApplicable(n);
  }
  return r.serializeBinary();
}

test("diagnostics decoded as the generated decoder decodes them; notApplicable passed over", () => {
  const bytes = response();
  const full = pb.AnalyzeResponse.deserializeBinary(bytes);
  const lean = diagnosticsOnly(protocol)(bytes) as typeof full;
  expect(full.getNotApplicableList()).toHaveLength(30);
  expect(lean.getNotApplicableList()).toHaveLength(0);
  expect(lean.getDiagnosticsList().map((d: any) => d.toObject())).toEqual(full.getDiagnosticsList().map((d: any) => d.toObject()));
  expect(toFindings(lean)).toEqual(toFindings(full));
  expect(toFindings(lean).map((f) => f.message)).toEqual(["message 0 — with ünicode", "message 1 — with ünicode"]);
});

test("an empty response has no diagnostics; a truncated one fails as with the generated decoder", () => {
  expect(toFindings(diagnosticsOnly(protocol)(new Uint8Array(0)))).toEqual([]);
  const bytes = response();
  const truncated = bytes.slice(0, bytes.length - 7);
  expect(() => pb.AnalyzeResponse.deserializeBinary(truncated)).toThrow();
  expect(() => diagnosticsOnly(protocol)(truncated)).toThrow();
});
