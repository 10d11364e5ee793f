/**
 * Issue 20 read from the prod plan: FIS templates in every region stopping on alarms of the same plan and region,
 * restore testing of the data tier, ECR with continuous scanning, and the admission verifier in every cluster.
 */
import * as path from "path";
import * as YAML from "yaml";
import { planFor, readTree } from "../support/plans";

const plan = planFor("prod");
const resources: any[] = plan.resources;
const byType = (type: string) => resources.filter((r) => r.type === type);
const byUrn = new Map(resources.map((r) => [r.urn, r]));
const regionOf = (r: any) => byUrn.get(r.provider)?.props.region;
const REGIONS = ["eu-west-1", "us-east-1", "us-west-2"];

test("the prod plan exits 0", () => {
  expect(plan.exitCode).toBe(0);
});

describe("drills", () => {
  const templates = byType("aws:fis/experimentTemplate:ExperimentTemplate");
  const alarms = [...byType("aws:cloudwatch/metricAlarm:MetricAlarm"), ...byType("aws:cloudwatch/compositeAlarm:CompositeAlarm")];

  test("every region has a zone-loss drill per zone, a pod drill per service and a node drill", () => {
    for (const region of REGIONS) {
      const names = templates.filter((t) => regionOf(t) === region).map((t) => t.name.replace(/^[a-z0-9]+-drills-/, "")).sort();
      expect(names).toEqual(["nodes", "pods-payments-checkout", "pods-storefront-catalog", ...[0, 1, 2].map((i) => `zone-loss-${region}${"abc"[i]}`)].sort());
    }
  });

  test("every stop condition names an alarm of this plan in the template's region", () => {
    for (const t of templates) {
      const conditions = t.props.stopConditions;
      expect(conditions.length).toBeGreaterThanOrEqual(1);
      for (const c of conditions) {
        expect(c.source).toBe("aws:cloudwatch:alarm");
        const physical = String(c.value).split("/").pop();
        const alarm = alarms.find((a) => physical === `${a.name}-${physical!.split("-").pop()}` && regionOf(a) === regionOf(t));
        expect(alarm).toBeDefined();
        expect(String(c.value)).toContain(`:${regionOf(t)}:`);
      }
    }
  });

  test("the primary region's zone drill fails Aurora over; every region's interrupts the cache in the zone", () => {
    const actionsOf = (t: any) => t.props.actions.map((a: any) => a.actionId);
    for (const t of templates.filter((x) => x.name.includes("zone-loss"))) {
      expect(actionsOf(t)).toContain("aws:elasticache:replicationgroup-interrupt-az-power");
      expect(actionsOf(t).includes("aws:rds:failover-db-cluster")).toBe(regionOf(t) === "us-east-1");
    }
  });
});

describe("restore tests", () => {
  test("one plan in the primary region with an Aurora and an S3 selection, and the buckets in the backup plan", () => {
    const plans = byType("aws:backup/restoreTestingPlan:RestoreTestingPlan");
    expect(plans.map(regionOf)).toEqual(["us-east-1"]);
    const selections = byType("aws:backup/restoreTestingSelection:RestoreTestingSelection");
    expect(selections.map((s) => s.props.protectedResourceType).sort()).toEqual(["Aurora", "S3"]);
    expect(selections.every((s) => regionOf(s) === "us-east-1")).toBe(true);
    expect(byType("aws:backup/selection:Selection")).toHaveLength(2);
    const slow = byType("aws:cloudwatch/metricAlarm:MetricAlarm").find((a) => a.name === "data-restore-tests-slower-than-rto");
    expect(slow.props.threshold).toBe(300);
  });
});

describe("supply chain", () => {
  test("ECR in every region: immutable, KMS, continuous enhanced scanning, Inspector on, findings alarm", () => {
    for (const region of REGIONS) {
      const repos = byType("aws:ecr/repository:Repository").filter((r) => regionOf(r) === region);
      expect(repos.map((r) => r.props.name).sort()).toEqual(["payments/checkout", "storefront/catalog"]);
      expect(repos.every((r) => r.props.imageTagMutability === "IMMUTABLE" && r.props.encryptionConfigurations[0].encryptionType === "KMS")).toBe(true);
      const scanning = byType("aws:ecr/registryScanningConfiguration:RegistryScanningConfiguration").filter((r) => regionOf(r) === region);
      expect(scanning.map((s) => [s.props.scanType, s.props.rules[0].scanFrequency])).toEqual([["ENHANCED", "CONTINUOUS_SCAN"]]);
      expect(byType("aws:inspector2/enabler:Enabler").filter((r) => regionOf(r) === region)).toHaveLength(1);
      expect(byType("aws:cloudwatch/metricAlarm:MetricAlarm").some((a) => regionOf(a) === region && a.props.metricName === "MatchedEvents")).toBe(true);
    }
  });

  test("every cluster enforces the verifier in the tenant namespaces, and the services run ECR images by digest", () => {
    const manifests = [...readTree(path.join(plan.dir, "manifests")).entries()].map(([file, text]) => ({ file, object: YAML.parse(text) }));
    const policies = manifests.filter((m) => m.object.kind === "ClusterPolicy");
    expect(policies).toHaveLength(3);
    for (const p of policies) {
      expect(p.object.spec.validationFailureAction).toBe("Enforce");
      // Only AWS FIS's own experiment pods (created as the FIS user) skip the checks.
      for (const rule of p.object.spec.rules) expect(rule.exclude.any).toEqual([{ subjects: [{ kind: "User", name: "fis-experiment" }] }]);
      expect(p.object.spec.rules[1].verifyImages[0].attestors[0].entries[0].keys.kms).toMatch(/^awskms:\/\/\/arn:aws:kms:/);
    }
    const deployments = manifests.filter((m) => m.object.kind === "Deployment" && ["payments", "storefront"].includes(m.object.metadata.namespace));
    for (const d of deployments) {
      expect(d.object.spec.template.spec.containers[0].image).toMatch(/^\d{12}\.dkr\.ecr\.[a-z0-9-]+\.amazonaws\.com\/[a-z]+\/[a-z]+@sha256:[a-f0-9]{64}$/);
    }
  });

  describe("the platform's charts pull through the ECR pull-through cache of their region", () => {
    const rules = byType("aws:ecr/pullThroughCacheRule:PullThroughCacheRule");
    const releases = byType("kubernetes:helm.sh/v3:Release");
    // Kubernetes provider → its HaCluster → the HaCluster's AWS provider: the region a release runs in.
    const releaseRegion = (r: any) => regionOf(resources.find((x) => x.type === "aws:eks/cluster:Cluster" && r.urn.split("::").pop().startsWith(x.name.replace(/-eks$/, "-")))) as string;
    const host = (region: string) => `123456789012.dkr.ecr.${region}.amazonaws.com`;
    const leaves = (v: unknown, at = ""): [string, string][] =>
      v && typeof v === "object" ? Object.entries(v).flatMap(([k, x]) => leaves(x, `${at}.${k}`)) : typeof v === "string" ? [[at, v]] : [];

    test("one rule per upstream in every region; Docker Hub and GitHub read the region's replica of their ecr-pullthroughcache/ secret", () => {
      for (const region of REGIONS) {
        const here = rules.filter((r) => regionOf(r) === region).map((r) => [r.props.ecrRepositoryPrefix, r.props.upstreamRegistryUrl, r.props.credentialArn]);
        expect(here.sort()).toEqual([
          ["docker-hub", "registry-1.docker.io", `arn:aws:secretsmanager:${region}:111122223333:secret:ecr-pullthroughcache/docker-hub-Ab12Cd`],
          ["ecr-public", "public.ecr.aws", undefined],
          ["github", "ghcr.io", `arn:aws:secretsmanager:${region}:111122223333:secret:ecr-pullthroughcache/github-container-registry-Ef34Gh`],
          ["k8s", "registry.k8s.io", undefined],
          ["quay", "quay.io", undefined],
        ]);
      }
    });

    test("every image value of every release names its region's registry, and the release depends on that prefix's rule there", () => {
      expect(releases.length).toBe(3 * 16);
      for (const r of releases) {
        const region = releaseRegion(r);
        expect(REGIONS).toContain(region);
        const images = leaves(r.props.values).filter(([at]) => /(\.image|Image)(\.registry|\.repository)?$|\.hub$/.test(at) && !/pullPolicy|tag$/.test(at));
        if (r.props.chart === "base") expect(images).toEqual([]);
        else expect(images.length).toBeGreaterThan(0);
        for (const [at, value] of images) {
          if (at.endsWith(".repository") && !value.includes(".")) continue; // a path under the registry key next to it
          expect([at, value.startsWith(`${host(region)}/`)]).toEqual([at, true]);
          const prefix = value.slice(host(region).length + 1).split("/")[0];
          const rule = rules.find((x) => regionOf(x) === region && x.props.ecrRepositoryPrefix === prefix);
          expect([r.name, prefix, rule !== undefined && r.options.dependsOn.includes(rule.urn)]).toEqual([r.name, prefix, true]);
        }
      }
    });

    test("the nodes may import upstream images into the cache prefixes of their own region only", () => {
      const policies = byType("aws:iam/rolePolicy:RolePolicy").filter((p) => p.name.endsWith("-eks-node-pull-through"));
      expect(policies.map(regionOf).sort()).toEqual(REGIONS);
      for (const p of policies) {
        const [statement] = JSON.parse(p.props.policy).Statement;
        expect(statement.Action).toEqual(["ecr:BatchImportUpstreamImage", "ecr:CreateRepository"]);
        expect(statement.Resource).toEqual(["docker-hub", "ecr-public", "github", "k8s", "quay"].map((x) => `arn:aws:ecr:${regionOf(p)}:123456789012:repository/${x}/*`));
      }
    });
  });

  // GuardDuty is an account singleton: the account stack owns it for every region the environments use.
  test("GuardDuty runtime monitoring stays on in every region (account stack)", () => {
    const account = planFor("account");
    const accountByUrn = new Map(account.resources.map((r: any) => [r.urn, r]));
    const runtime = account.resources.filter((r: any) => r.type === "aws:guardduty/detectorFeature:DetectorFeature" && r.props.name === "RUNTIME_MONITORING");
    expect(runtime.map((r: any) => (accountByUrn.get(r.provider) as any)?.props.region).sort()).toEqual(REGIONS);
    expect(runtime.every((f) => f.props.status === "ENABLED")).toBe(true);
  });
});
