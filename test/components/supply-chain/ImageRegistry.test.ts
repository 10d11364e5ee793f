import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import { ImageRegistry, ImageVerification, inRegion, inspectorFindingPattern, PLATFORM_MIRROR_UPSTREAMS } from "../../../components/supply-chain";
import { installMockRuntime, settle } from "../../../src/testing/mocks";

const CREDENTIALS = {
  credentials: {
    "docker-hub": "arn:aws:secretsmanager:us-east-1:123456789012:secret:ecr-pullthroughcache/docker-hub-AbCdEf",
    "github-container-registry": "arn:aws:secretsmanager:us-east-1:123456789012:secret:ecr-pullthroughcache/github-GhIjKl",
  },
};

describe.each([true, false])("ImageRegistry and ImageVerification (preview=%s)", (preview) => {
  test("immutable KMS repositories with lifecycle, continuous enhanced scanning, findings alarm, pull-through cache, replicated signing key", async () => {
    const recorder = installMockRuntime({ preview, stack: "prod" });
    const use1 = new aws.Provider("use1", { region: "us-east-1" });
    const usw2 = new aws.Provider("usw2", { region: "us-west-2" });
    const repositories = [{ tenant: "payments", service: "checkout" }];
    const primary = new ImageRegistry("use1-images", { region: "us-east-1", repositories, replicateTo: ["us-west-2"], alarmTopicArn: "arn:topic:use1", settings: { mirror: CREDENTIALS } }, { provider: use1 });
    new ImageRegistry("usw2-images", { region: "us-west-2", repositories, alarmTopicArn: "arn:topic:usw2", signingKeyPrimaryArn: primary.signingKeyArn, settings: { mirror: CREDENTIALS } }, { provider: usw2 });
    await settle();
    const repos = recorder.ofType("aws:ecr/repository:Repository").map((r) => recorder.inputsOf(r));
    expect(repos).toHaveLength(2);
    for (const repo of repos) {
      expect(repo.name).toBe("payments/checkout");
      expect(repo.imageTagMutability).toBe("IMMUTABLE");
      expect(repo.encryptionConfigurations[0].encryptionType).toBe("KMS");
    }
    expect(recorder.ofType("aws:ecr/lifecyclePolicy:LifecyclePolicy")).toHaveLength(2);
    const scanning = recorder.inputsOf(recorder.ofType("aws:ecr/registryScanningConfiguration:RegistryScanningConfiguration")[0]);
    expect(scanning).toMatchObject({ scanType: "ENHANCED", rules: [{ scanFrequency: "CONTINUOUS_SCAN" }] });
    expect(recorder.ofType("aws:inspector2/enabler:Enabler").map((e) => recorder.inputsOf(e).resourceTypes)).toEqual([["ECR"], ["ECR"]]);
    expect(recorder.ofType("aws:ecr/pullThroughCacheRule:PullThroughCacheRule")).toHaveLength(2 * PLATFORM_MIRROR_UPSTREAMS.length);
    const dockerHub = recorder.inputsOf(recorder.one("aws:ecr/pullThroughCacheRule:PullThroughCacheRule", "usw2-images-cache-docker-hub"));
    expect(dockerHub).toEqual({ ecrRepositoryPrefix: "docker-hub", upstreamRegistryUrl: "registry-1.docker.io", credentialArn: "arn:aws:secretsmanager:us-west-2:123456789012:secret:ecr-pullthroughcache/docker-hub-AbCdEf" });
    expect(recorder.ofType("aws:ecr/replicationConfiguration:ReplicationConfiguration")).toHaveLength(1);
    const rules = recorder.ofType("aws:cloudwatch/eventRule:EventRule").map((r) => JSON.parse(recorder.inputsOf(r).eventPattern));
    expect(rules[0]).toEqual(inspectorFindingPattern("HIGH"));
    const alarm = recorder.one("aws:cloudwatch/metricAlarm:MetricAlarm", "use1-images-findings");
    expect(recorder.inputsOf(alarm)).toMatchObject({ namespace: "AWS/Events", metricName: "MatchedEvents", alarmActions: ["arn:topic:use1"] });
    const key = recorder.inputsOf(recorder.one("aws:kms/key:Key", "use1-images-signing"));
    expect(key).toMatchObject({ keyUsage: "SIGN_VERIFY", customerMasterKeySpec: "ECC_NIST_P256", multiRegion: true });
    expect(recorder.one("aws:kms/replicaKey:ReplicaKey").propertyDependencies.primaryKeyArn).toEqual([recorder.one("aws:kms/key:Key", "use1-images-signing").urn]);
  });

  test("admission: Kyverno in HA, enforcing ECR-only, digest-pinned, KMS-signed images in tenant namespaces in prod", async () => {
    const recorder = installMockRuntime({ preview: false, stack: "prod" });
    const provider = new aws.Provider("use1", { region: "us-east-1" });
    const kube = new k8s.Provider("kube", { kubeconfig: "{}" });
    new ImageVerification("use1-image-verification", {
      region: "us-east-1", environment: "prod", clusterName: "c", kubernetesVersion: "1.33", oidcProviderArn: "arn:aws:iam::123456789012:oidc-provider/x", oidcIssuer: "https://oidc.eks/id/X",
      namespaces: ["payments", "storefront"], registryHost: "123456789012.dkr.ecr.us-east-1.amazonaws.com", signingKeyArn: "arn:aws:kms:us-east-1:123456789012:key/mrk-1",
    }, { providers: [provider, kube] });
    await settle();
    const policy = recorder.inputsOf(recorder.one("kubernetes:kyverno.io/v1:ClusterPolicy"));
    expect(policy.spec.validationFailureAction).toBe("Enforce");
    expect(policy.spec.rules.map((r: { match: any }) => r.match.any[0].resources.namespaces)).toEqual([["payments", "storefront"], ["payments", "storefront"]]);
    const verify = policy.spec.rules[1].verifyImages[0];
    expect(verify).toMatchObject({ imageReferences: ["123456789012.dkr.ecr.us-east-1.amazonaws.com/*"], mutateDigest: true, verifyDigest: true, required: true });
    expect(verify.attestors[0].entries[0].keys.kms).toBe("awskms:///arn:aws:kms:us-east-1:123456789012:key/mrk-1");
    const release = recorder.inputsOf(recorder.one("kubernetes:helm.sh/v3:Release"));
    expect(release.values.admissionController.replicas).toBe(3);
    expect(recorder.ofType("kubernetes:networking.k8s.io/v1:NetworkPolicy").length).toBeGreaterThanOrEqual(4);
  });
});

test("prod refuses an audit-only verifier before anything registers", () => {
  const recorder = installMockRuntime({ preview: true });
  expect(() => new ImageVerification("v", {
    region: "us-east-1", environment: "prod", clusterName: "c", kubernetesVersion: "1.33", oidcProviderArn: "a", oidcIssuer: "https://i", namespaces: ["payments"], registryHost: "h", signingKeyArn: "k", enforce: false,
  })).toThrow("enforce: got false");
  expect(recorder.resources).toHaveLength(0);
});

test("an ECR image moves to the region's registry of the same account; others stay as they are", () => {
  expect(inRegion("111122223333.dkr.ecr.us-east-1.amazonaws.com/payments/checkout@sha256:ab", "eu-west-1")).toBe("111122223333.dkr.ecr.eu-west-1.amazonaws.com/payments/checkout@sha256:ab");
  expect(inRegion("ghcr.io/acme/checkout:1.4.2", "eu-west-1")).toBe("ghcr.io/acme/checkout:1.4.2");
});

test("a registry caching Docker Hub and GitHub without their credential secrets is refused before anything registers", () => {
  const recorder = installMockRuntime({ preview: true });
  expect(() => new ImageRegistry("r", { region: "us-east-1", repositories: [], alarmTopicArn: "t" })).toThrow(/settings\.mirror\.credentials\.docker-hub[\s\S]*settings\.mirror\.credentials\.github-container-registry/);
  expect(recorder.resources).toHaveLength(0);
});

test("extra upstreams are cached; GitLab then needs its credential too", async () => {
  expect(() => new ImageRegistry("r", { region: "us-east-1", repositories: [], alarmTopicArn: "t", settings: { mirror: { ...CREDENTIALS, upstreams: ["gitlab-container-registry"] } } })).toThrow("settings.mirror.credentials.gitlab-container-registry");
  const recorder = installMockRuntime({ preview: false });
  const credentials = { ...CREDENTIALS.credentials, "gitlab-container-registry": "arn:aws:secretsmanager:us-east-1:123456789012:secret:ecr-pullthroughcache/gitlab-MnOpQr" };
  const registry = new ImageRegistry("r", { region: "us-east-1", repositories: [], alarmTopicArn: "t", settings: { mirror: { upstreams: ["gitlab-container-registry"], credentials } } });
  await settle();
  expect(recorder.ofType("aws:ecr/pullThroughCacheRule:PullThroughCacheRule").map((r) => recorder.inputsOf(r).ecrRepositoryPrefix).sort()).toEqual(["docker-hub", "ecr-public", "github", "gitlab", "k8s", "quay"]);
  expect(Object.keys(registry.mirror.cacheRules).sort()).toEqual(["docker-hub", "ecr-public", "github-container-registry", "gitlab-container-registry", "k8s", "quay"]);
});
