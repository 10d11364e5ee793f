/** The mirror helpers: one mapping from a public image to the pull-through cache, values merged, rules depended on. */
import * as pulumi from "@pulumi/pulumi";
import { mirroredImage } from "../../../components/shared/images";
import { mergeValues, mirrorDependencies, mirrored } from "../../../components/shared/mirror";
import { installMockRuntime } from "../../../src/testing/mocks";

const HOST = "111122223333.dkr.ecr.eu-west-1.amazonaws.com";

test.each([
  ["busybox:1.36", `${HOST}/docker-hub/library/busybox:1.36`],
  ["docker.io/grafana/grafana:11.1.0", `${HOST}/docker-hub/grafana/grafana:11.1.0`],
  ["otel/opentelemetry-collector-contrib", `${HOST}/docker-hub/otel/opentelemetry-collector-contrib`],
  ["quay.io/prometheus/prometheus@sha256:" + "a".repeat(64), `${HOST}/quay/prometheus/prometheus@sha256:${"a".repeat(64)}`],
  ["registry.k8s.io/autoscaling/cluster-autoscaler:v1.33.0", `${HOST}/k8s/autoscaling/cluster-autoscaler:v1.33.0`],
  ["public.ecr.aws/eks/aws-load-balancer-controller", `${HOST}/ecr-public/eks/aws-load-balancer-controller`],
  ["ghcr.io/external-secrets/external-secrets", `${HOST}/github/external-secrets/external-secrets`],
  ["registry.gitlab.com/acme/tool:2", `${HOST}/gitlab/acme/tool:2`],
])("%s → %s", (image, expected) => {
  expect(mirroredImage(image, HOST)).toBe(expected);
});

test.each([["gcr.io/distroless/static"], [`${HOST}/payments/checkout:1`], ["Not A Reference"]])("%s is not mirrored", (image) => {
  expect(mirroredImage(image, HOST)).toBeUndefined();
});

test("values merge through plain objects; arrays and outputs are leaves", () => {
  const out = pulumi.output("x");
  expect(mergeValues({ image: { tag: "v1", pullPolicy: "IfNotPresent" }, args: [1] }, { image: { repository: "r" }, args: [2], o: out }))
    .toEqual({ image: { tag: "v1", pullPolicy: "IfNotPresent", repository: "r" }, args: [2], o: out });
});

test("a mirror without a rule the chart pulls through is a wiring error naming the upstream; no mirror changes nothing", () => {
  installMockRuntime({ preview: true });
  const mirror = { host: HOST, cacheRules: {} };
  expect(() => mirrorDependencies(mirror, ["quay"], "use1-rollouts")).toThrow('use1-rollouts: the image mirror has no pull-through cache rule for quay (quay.io), which its chart pulls from; add "quay" to the mirror\'s upstreams');
  const values = { replicas: 2 };
  expect(mirrored(values, { upstreams: ["quay"], values: () => ({ image: {} }) }, undefined, "x")).toEqual({ values, dependsOn: [] });
});
