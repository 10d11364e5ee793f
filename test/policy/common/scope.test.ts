/** Join scopes: the Kubernetes provider is the cluster, the AWS provider's region the account/region. */
import { clusterOf, awsScopeOf, referencesInScope, DEFAULT_PROVIDER } from "../../../policy/common/scope";
import { runRule, Subject } from "../../../policy/common/finding";
import { rdsMultiAz } from "../../../policy/aws-baseline/rules/rds";
import { networkPolicyEnforced } from "../../../policy/kubernetes-cis/rules/eks";

const aws = (region: string) => ({ type: "pulumi:providers:aws", name: region, urn: `urn:pulumi:s::p::pulumi:providers:aws::${region}`, props: { region } });
const k8s = (name: string) => ({ type: "pulumi:providers:kubernetes", name, urn: `urn:pulumi:s::p::pulumi:providers:kubernetes::${name}`, props: {} });
const subject = (type: string, name: string, props: Record<string, unknown>, provider?: Subject["provider"], urnSuffix = ""): Subject => ({ type, name, urn: `urn:pulumi:s::p::${type}::${name}${urnSuffix}`, props, provider });

test("clusterOf: explicit provider URN, default provider (explicit default_* reference or none) shares one key", () => {
  expect(clusterOf(subject("kubernetes:apps/v1:Deployment", "a", {}, k8s("euw1-k8s")))).toBe("urn:pulumi:s::p::pulumi:providers:kubernetes::euw1-k8s");
  expect(clusterOf(subject("kubernetes:apps/v1:Deployment", "a", {}, k8s("default_4_18_0")))).toBe(DEFAULT_PROVIDER);
  expect(clusterOf(subject("kubernetes:apps/v1:Deployment", "a", {}))).toBe(DEFAULT_PROVIDER);
});

test("awsScopeOf: the provider's region when known; two providers for one region share it", () => {
  expect(awsScopeOf(subject("aws:s3/bucket:Bucket", "b", {}, aws("eu-west-1")))).toBe("region:eu-west-1");
  expect(awsScopeOf(subject("aws:s3/bucket:Bucket", "b", {}, { ...aws("eu-west-1"), name: "other", urn: "urn:other" }))).toBe("region:eu-west-1");
  expect(awsScopeOf(subject("aws:s3/bucket:Bucket", "b", {}))).toBe(DEFAULT_PROVIDER);
});

test("referencesInScope: a value match counts only in the same region; a property dependency always", () => {
  const cluster = subject("aws:rds/cluster:Cluster", "db", { clusterIdentifier: "db" }, aws("us-east-1"));
  const other = subject("aws:rds/clusterInstance:ClusterInstance", "db-1", { clusterIdentifier: "db" }, aws("eu-west-1"));
  expect(referencesInScope(other, "clusterIdentifier", cluster, ["clusterIdentifier"])).toBe(false);
  expect(referencesInScope({ ...other, propertyDependencies: { clusterIdentifier: [cluster.urn] } }, "clusterIdentifier", cluster)).toBe(true);
});

test("two regions, one Aurora cluster name: only the region without readers is reported", () => {
  const resources = ["us-east-1", "eu-west-1"].flatMap((region) => [subject("aws:rds/cluster:Cluster", "db", { clusterIdentifier: "db" }, aws(region), `-${region}`)]);
  resources.push(
    subject("aws:rds/clusterInstance:ClusterInstance", "use1-1", { clusterIdentifier: "db" }, aws("us-east-1")),
    subject("aws:rds/clusterInstance:ClusterInstance", "use1-2", { clusterIdentifier: "db" }, aws("us-east-1")),
  );
  expect(runRule(rdsMultiAz, resources).map((f) => f.subject.urn)).toEqual(["urn:pulumi:s::p::aws:rds/cluster:Cluster::db-eu-west-1"]);
});

test("two regions, one EKS cluster name: the vpc-cni addon of one region does not cover the other", () => {
  const cluster = (region: string) => subject("aws:eks/cluster:Cluster", "main", { name: "main" }, aws(region), `-${region}`);
  const addon = subject("aws:eks/addon:Addon", "cni", { clusterName: "main", addonName: "vpc-cni", configurationValues: JSON.stringify({ enableNetworkPolicy: "true" }) }, aws("us-east-1"));
  const findings = runRule(networkPolicyEnforced, [cluster("us-east-1"), cluster("eu-west-1"), addon]);
  expect(findings.map((f) => f.subject.urn)).toEqual(["urn:pulumi:s::p::aws:eks/cluster:Cluster::main-eu-west-1"]);
});
