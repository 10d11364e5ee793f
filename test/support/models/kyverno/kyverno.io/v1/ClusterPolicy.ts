/**
 * Schema model of `kyverno.io/v1 ClusterPolicy` for the manifests test, for the fields the platform writes: the
 * structure of Kyverno 1.13's CRD (`config/crds/kyverno/kyverno.io_clusterpolicies.yaml`: spec, rules, match,
 * validate, verifyImages, attestors), with unknown fields rejected, so a misspelt key fails here instead of being
 * pruned silently by the API server. No npm package publishes Kyverno models; extend this when a new field is used.
 */
import Ajv from "ajv";

const str = { type: "string" };
const strings = { type: "array", items: str };
const strict = (properties: Record<string, unknown>, required: string[] = []) => ({ type: "object", additionalProperties: false, properties, required });

const subject = strict({ kind: { enum: ["User", "Group", "ServiceAccount"] }, name: str, namespace: str, apiGroup: str }, ["kind", "name"]);
const resourceFilter = strict({
  resources: strict({ kinds: strings, namespaces: strings, names: strings, selector: { type: "object" }, namespaceSelector: { type: "object" } }),
  subjects: { type: "array", items: subject },
});
const match = strict({ any: { type: "array", items: resourceFilter }, all: { type: "array", items: resourceFilter } });
const keys = strict({
  publicKeys: str, kms: str, signatureAlgorithm: str,
  secret: strict({ name: str, namespace: str }, ["name", "namespace"]),
  rekor: strict({ url: str, pubkey: str, ignoreTlog: { type: "boolean" } }),
  ctlog: strict({ ignoreSCT: { type: "boolean" }, pubkey: str }),
});
const attestor = strict({ count: { type: "integer", minimum: 1 }, entries: { type: "array", items: strict({ keys, repository: str, annotations: { type: "object" } }) } });
const verifyImage = strict({
  imageReferences: strings, skipImageReferences: strings, type: { enum: ["Cosign", "SigstoreBundle", "Notary"] },
  attestors: { type: "array", items: attestor }, mutateDigest: { type: "boolean" }, verifyDigest: { type: "boolean" },
  required: { type: "boolean" }, useCache: { type: "boolean" }, repository: str, failureAction: { enum: ["Audit", "Enforce"] },
});
const rule = strict({
  name: { type: "string", maxLength: 63 },
  match, exclude: match,
  validate: strict({ message: str, pattern: { type: "object" }, anyPattern: { type: "array" }, deny: { type: "object" }, failureAction: { enum: ["Audit", "Enforce"] } }),
  verifyImages: { type: "array", items: verifyImage },
}, ["name", "match"]);

const schema = strict({
  apiVersion: { const: "kyverno.io/v1" },
  kind: { const: "ClusterPolicy" },
  metadata: { type: "object", required: ["name"], properties: { name: str } },
  spec: strict({
    validationFailureAction: { enum: ["audit", "enforce", "Audit", "Enforce"] },
    background: { type: "boolean" },
    webhookTimeoutSeconds: { type: "integer", minimum: 1, maximum: 30 },
    failurePolicy: { enum: ["Ignore", "Fail"] },
    rules: { type: "array", minItems: 1, items: rule },
  }, ["rules"]),
}, ["apiVersion", "kind", "metadata", "spec"]);

const validate = new Ajv({ allErrors: true }).compile(schema);

export class ClusterPolicy {
  constructor(private readonly data: unknown) {}

  validate(): void {
    if (!validate(this.data)) throw new Error((validate.errors ?? []).map((e) => `${e.dataPath} ${e.message}`).join("; "));
  }
}
