/**
 * Kyverno, pinned, and the admission policy it enforces in tenant namespaces, as plain data.
 *
 * Why Kyverno `verifyImages` with a cosign key in AWS KMS (see docs/architecture.md, "Supply chain"): one admission
 * engine does all three checks a tenant pod needs (registry allow-list, digest pinning with tag-to-digest mutation,
 * signature), it selects namespaces by name so tenants need no opt-in label, and the key never leaves KMS (CI signs
 * with `cosign sign --key awskms:///<arn>`). AWS Signer would need the Notation AWS plugin behind Ratify/Gatekeeper
 * or Kyverno's separate notation-aws service; sigstore policy-controller needs a label on every namespace it guards.
 */
import * as pulumi from "@pulumi/pulumi";
import { ChartImages, mirrorRegistry } from "../shared/mirror";

/** Chart version is pinned: Kyverno changes only when this line changes (chart 3.3.x ships Kyverno 1.13). */
export const KYVERNO = { chart: "kyverno", repo: "https://kyverno.github.io/kyverno/", version: "3.3.4" } as const;
export const KYVERNO_NAMESPACE = "kyverno";

/**
 * Every image the kyverno chart 3.3.4 renders (kyverno/kyverno charts/kyverno/values.yaml at chart 3.3.4, each with
 * `registry` and `repository`): the controllers, the admission init container and the CRD migration job from ghcr.io;
 * the kubectl of the cleanup jobs and the busybox of `helm test` from Docker Hub. Repositories are set too, so the
 * chart's default registry (`defaultRegistry`) never applies. Not confirmed in a stored copy of 3.3.4's values: the
 * kubectl image of `webhooksCleanup`, `policyReportsCleanup` and `cleanupJobs.*` (bitnami/kubectl) — check with
 * `helm show values kyverno/kyverno --version 3.3.4` before an upgrade; the packs' registry rule reports a public
 * default that stayed.
 */
export const KYVERNO_IMAGES: ChartImages = {
  upstreams: ["github-container-registry", "docker-hub"],
  values: (m) => {
    const ghcr = (repository: string) => ({ registry: mirrorRegistry(m, "github-container-registry"), repository });
    const kubectl = { image: { registry: mirrorRegistry(m, "docker-hub"), repository: "bitnami/kubectl" } };
    return {
      admissionController: { initContainer: { image: ghcr("kyverno/kyvernopre") }, container: { image: ghcr("kyverno/kyverno") } },
      backgroundController: { image: ghcr("kyverno/background-controller") },
      cleanupController: { image: ghcr("kyverno/cleanup-controller") },
      reportsController: { image: ghcr("kyverno/reports-controller") },
      crds: { migration: { image: ghcr("kyverno/kyverno-cli") } },
      webhooksCleanup: kubectl,
      policyReportsCleanup: kubectl,
      cleanupJobs: Object.fromEntries(["admissionReports", "clusterAdmissionReports", "updateRequests", "ephemeralReports", "clusterEphemeralReports"].map((job) => [job, kubectl])),
      test: { image: { registry: mirrorRegistry(m, "docker-hub"), repository: "library/busybox" } },
    };
  },
};
/** The admission controller's service account as the chart names it (release `kyverno`). */
export const KYVERNO_ADMISSION_SA = "kyverno-admission-controller";

/** HA values: three admission replicas (webhooks fail closed), two of each background controller. */
export function kyvernoValues(roleArn: pulumi.Input<string>): Record<string, unknown> {
  return {
    admissionController: {
      replicas: 3,
      rbac: { serviceAccount: { name: KYVERNO_ADMISSION_SA, annotations: { "eks.amazonaws.com/role-arn": roleArn } } },
      podDisruptionBudget: { enabled: true, minAvailable: 2 },
      topologySpreadConstraints: [{ maxSkew: 1, topologyKey: "topology.kubernetes.io/zone", whenUnsatisfiable: "DoNotSchedule", labelSelector: { matchLabels: { "app.kubernetes.io/component": "admission-controller" } } }],
    },
    backgroundController: { replicas: 2 },
    cleanupController: { replicas: 2 },
    reportsController: { replicas: 2 },
    features: { policyExceptions: { enabled: false } },
  };
}

export interface AdmissionPolicyInput {
  readonly namespaces: readonly string[];
  readonly registryHost: pulumi.Input<string>;
  readonly signingKeyArn: pulumi.Input<string>;
  readonly enforce: boolean;
  /**
   * Kubernetes users whose pod creations are not checked: AWS FIS creates its experiment pods (AWS's own image) in
   * the target namespace as the experiment role's user. Nobody else is exempt. @default none
   */
  readonly exemptUsers?: readonly string[];
}

/**
 * The ClusterPolicy spec: pods in the tenant namespaces may run only `<registryHost>/*` images, and each must carry a
 * cosign signature by the KMS key; Kyverno pins the verified digest into the pod (`mutateDigest`) and rejects
 * references it cannot pin (`verifyDigest`).
 */
export function admissionPolicySpec(p: AdmissionPolicyInput): pulumi.Output<Record<string, unknown>> {
  return pulumi.all([p.registryHost, p.signingKeyArn]).apply(([host, keyArn]): Record<string, unknown> => {
    const match = { any: [{ resources: { kinds: ["Pod"], namespaces: [...p.namespaces] } }] };
    const users = p.exemptUsers ?? [];
    const exclude = users.length > 0 ? { exclude: { any: [{ subjects: users.map((name) => ({ kind: "User", name })) }] } } : {};
    const allowed = `${host}/*`;
    return {
      validationFailureAction: p.enforce ? "Enforce" : "Audit",
      background: false,
      webhookTimeoutSeconds: 30,
      failurePolicy: "Fail",
      rules: [
        {
          name: "approved-registry",
          match,
          ...exclude,
          validate: {
            message: `Tenant images must come from ${host} (the account's ECR in this region); push the image there and sign it.`,
            pattern: {
              spec: {
                "=(ephemeralContainers)": [{ image: allowed }],
                "=(initContainers)": [{ image: allowed }],
                containers: [{ image: allowed }],
              },
            },
          },
        },
        {
          name: "signed-by-platform-key",
          match,
          ...exclude,
          verifyImages: [{
            imageReferences: [allowed],
            mutateDigest: true,
            verifyDigest: true,
            required: true,
            attestors: [{ count: 1, entries: [{ keys: { kms: `awskms:///${keyArn}`, rekor: { ignoreTlog: true }, ctlog: { ignoreSCT: true } } }] }],
          }],
        },
      ],
    };
  });
}
