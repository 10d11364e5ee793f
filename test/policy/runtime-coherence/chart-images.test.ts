/**
 * RC-11 rc-chart-images-mirrored on the two-cluster, two-region baseline: in prod a Helm release whose values name an
 * image on a public registry is reported (naming the cache rule of its account and region when there is one), a
 * mirrored one passes only where its cache prefix has a rule in the image's region, unknown values say "cannot tell
 * yet", and nothing is judged outside prod.
 */
import type { Subject } from "../../../policy/common/finding";
import { chartImagesMirrored, imagesInValues } from "../../../policy/runtime-coherence/rules/chart-images";
import { UNKNOWN } from "../../../src/testing/wire";
import { res } from "../common/packs";
import { awsProvider, baseline, find, T } from "./fixtures";

const HOST = { a: "111122223333.dkr.ecr.us-east-1.amazonaws.com", b: "111122223333.dkr.ecr.eu-west-1.amazonaws.com" } as const;
const provider = (side: "a" | "b") => { const p = awsProvider(side); return { type: p.type, name: p.name, urn: p.urn as string, props: p.props }; };
const cacheRule = (side: "a" | "b", prefix: string, upstreamRegistryUrl: string) =>
  res("aws:ecr/pullThroughCacheRule:PullThroughCacheRule", `${side}-cache-${prefix}`, { ecrRepositoryPrefix: prefix, upstreamRegistryUrl }, { provider: provider(side) });

/** The baseline with quay.io cached in both regions and cluster a's release given `values`. */
function program(values: unknown, rules = [cacheRule("a", "quay", "quay.io"), cacheRule("b", "quay", "quay.io")]) {
  const rs = [...baseline(), ...rules];
  find(rs, T.Release, "a-kube-prometheus-stack").props.values = values;
  return rs as unknown as Subject[];
}
const check = (rs: Subject[], environment: "prod" | "dev" = "prod", config: Record<string, unknown> = {}) => chartImagesMirrored.check(rs, { environment, config });

test("images in values: strings, image/*Image objects with registry and repository, Istio's hub, arrays", () => {
  expect(imagesInValues({
    image: { registry: "quay.io", repository: "prometheus/prometheus", tag: "v3" },
    sidecar: { image: "quay.io/kiwigrid/k8s-sidecar:1.30" },
    prometheusOperator: { thanosImage: { registry: "quay.io" } },
    global: { hub: "docker.io/istio" },
    extraContainers: [{ name: "x", image: "busybox:1.36" }],
    tag: "v1",
  })).toEqual([
    { path: "values.image", image: "quay.io/prometheus/prometheus" },
    { path: "values.sidecar.image", image: "quay.io/kiwigrid/k8s-sidecar:1.30" },
    { path: "values.prometheusOperator.thanosImage", image: "quay.io/chart-default" },
    { path: "values.global.hub", image: "docker.io/istio/hub" },
    { path: "values.extraContainers[0].image", image: "busybox:1.36" },
  ]);
});

test("a public image while the account caches its registry in that region: reported, naming the rule and the mirrored reference", () => {
  const findings = check(program({ prometheus: { prometheusSpec: { image: { registry: "quay.io", repository: "prometheus/prometheus" } } } }));
  expect(findings).toHaveLength(1);
  expect(findings[0].undecided).toBeUndefined();
  expect(findings[0].message).toContain("values.prometheus.prometheusSpec.image pulls quay.io/prometheus/prometheus straight from quay.io although pull-through cache rule a-cache-quay serves it");
  expect(findings[0].message).toContain("<account>.dkr.ecr.us-east-1.amazonaws.com/quay/prometheus/prometheus");
  expect(findings[0].message).toContain("cluster k8s-a (EKS platform-a)");
});

test("Docker Hub with no cache rule for it: reported, asking for the rule and its credential secret", () => {
  const [f] = check(program({ grafana: { image: { registry: "docker.io", repository: "grafana/grafana" } } }));
  expect(f.message).toContain("no pull-through cache rule for registry-1.docker.io exists");
  expect(f.message).toContain("ecr-pullthroughcache/");
});

test("a registry ECR cannot cache and no approved registry: reported; approvedRegistries accepts it", () => {
  const rs = program({ image: "gcr.io/distroless/static:nonroot" });
  expect(check(rs)[0].message).toContain("neither the account's ECR, a registry ECR pull-through cache serves, nor an approved registry");
  expect(check(rs, "prod", { approvedRegistries: ["gcr.io/distroless"] })).toEqual([]);
});

test("mirrored through a prefix with a rule in the image's region passes; the same prefix without a rule there is reported", () => {
  expect(check(program({ image: { registry: `${HOST.a}/quay`, repository: "prometheus/prometheus" } }))).toEqual([]);
  const [f] = check(program({ image: { registry: `${HOST.a}/quay`, repository: "prometheus/prometheus" } }, [cacheRule("b", "quay", "quay.io")]));
  expect(f.message).toContain("through cache prefix quay/, but no pull-through cache rule with that prefix exists in us-east-1");
});

test("the cache rule of the other region does not serve this cluster's public image (joined per account and region)", () => {
  const [f] = check(program({ image: "quay.io/prometheus/prometheus:v3" }, [cacheRule("b", "quay", "quay.io")]));
  expect(f.message).toContain("no pull-through cache rule for quay.io exists in");
  expect(f.message).toContain("us-east-1");
});

test("unknown values or an unknown registry: cannot tell yet, advisory; an unseen release too", () => {
  const [whole] = check(program(UNKNOWN));
  expect(whole.message).toMatch(/^cannot tell yet: values of Release/);
  expect(whole.advisory).toBe(true);
  const [part] = check(program({ image: { registry: UNKNOWN, repository: "prometheus/prometheus" } }));
  expect(part.message).toContain("values.image");
  expect(part.advisory).toBe(true);
  const rs = program({});
  find(rs as never, T.Release, "a-kube-prometheus-stack").props = {};
  expect(check(rs)[0].message).toMatch(/^cannot tell yet: values of Release/);
});

test("outside prod nothing is judged", () => {
  expect(check(program({ image: "quay.io/prometheus/prometheus:v3" }), "dev")).toEqual([]);
});
