/**
 * The deliberately insecure sample program (test/fixtures/insecure-program) runs under the mock runtime as a
 * preview; every recorded resource goes through each pack over the analyzer protocol, and every seeded violation
 * must be found: each policy of the three packs at least once, on the resource the program seeded it on.
 */
import { installMockRuntime, settle } from "../../../src/testing/mocks";
import type { ResourceRecorder } from "../../../src/testing/mocks";
import type { AnalyzerFinding, PolicyPackClient } from "../../../src/testing/analyzer";
import { startPolicyPack } from "../../../src/testing/analyzer";
// As the plan sends them (resource references marshalled as the engine does: the id, or the URN).
import { toAnalyzerResource } from "../../../src/cli/engine-view";
import { analyzeAll, packDir } from "./packs";

const PACKS = ["kubernetes-cis", "workload-resilience", "aws-baseline"];

/** Policy → Pulumi name of a resource the program seeded a violation of it on. */
const SEEDED: Record<string, string> = {
  "cis-eks-2.1.1-audit-logs-enabled": "eks",
  "cis-eks-4.1.1-cluster-admin-only-where-required": "ci-admin",
  "cis-eks-4.1.2-minimize-secrets-access": "too-broad",
  "cis-eks-4.1.3-no-rbac-wildcards": "too-broad",
  "cis-eks-4.1.4-minimize-pod-create": "too-broad",
  "cis-eks-4.1.5-default-service-account-not-used": "legacy",
  "cis-eks-4.1.6-service-account-token-mount-explicit": "legacy",
  "cis-eks-4.1.8-no-bind-impersonate-escalate": "too-broad",
  "cis-eks-4.2.1-no-privileged-containers": "legacy",
  "cis-eks-4.2.2-no-host-pid": "legacy",
  "cis-eks-4.2.3-no-host-ipc": "legacy",
  "cis-eks-4.2.4-no-host-network": "legacy",
  "cis-eks-4.2.5-no-privilege-escalation": "legacy",
  "cis-eks-4.3.2-namespaces-have-network-policies": "apps",
  "cis-eks-4.4.1-secrets-as-files": "legacy",
  "cis-eks-4.5.2-default-namespace-not-used": "legacy",
  "cis-eks-5.1.1-ecr-scan-on-push": "images",
  "cis-eks-5.3.1-secrets-encrypted-with-kms": "eks",
  "cis-eks-5.4.1-restrict-endpoint-access": "eks",
  "cis-eks-5.4.2-private-endpoint": "eks",
  "cis-eks-5.4.3-private-nodes": "nodes",
  "cis-eks-5.4.4-network-policy-enforced": "eks",
  "wr-replicas-minimum": "legacy",
  "wr-no-fixed-replicas-with-hpa": "api",
  "wr-pdb-present": "api",
  "wr-pdb-allows-disruption": "queue",
  "wr-zone-topology-spread": "legacy",
  "wr-probes": "legacy",
  "wr-resources-requests-limits": "legacy",
  "wr-pinned-images": "legacy",
  "wr-prestop-within-termination-grace": "legacy",
  "cis-aws-1.16-iam-no-full-admin": "admin",
  "cis-aws-2.1.1-s3-deny-http": "data",
  "cis-aws-2.1.4-s3-block-public-access": "data",
  "cis-aws-2.2.1-ebs-encryption": "scratch",
  "cis-aws-2.3.1-rds-storage-encrypted": "db",
  "cis-aws-2.3.3-rds-not-public": "db",
  "cis-aws-3.1-cloudtrail-multi-region": "trail",
  "cis-aws-3.2-cloudtrail-log-validation": "trail",
  "cis-aws-3.5-cloudtrail-kms-encryption": "trail",
  "cis-aws-3.6-kms-rotation": "key",
  "cis-aws-3.7-vpc-flow-logs": "vpc",
  "cis-aws-4.16-security-hub-enabled": "",
  "cis-aws-5.2-sg-no-ipv4-admin-ingress": "bastion",
  "cis-aws-5.3-sg-no-ipv6-admin-ingress": "bastion",
  "aws-s3-bucket-versioning": "data",
  "aws-s3-bucket-kms-encryption": "data",
  "aws-s3-backup-bucket-replication": "db-backups",
  "aws-rds-multi-az": "db",
  "aws-rds-backup-retention": "db",
  "aws-rds-deletion-protection": "aurora",
  "aws-rds-iam-authentication": "aurora",
  "aws-rds-instance-deletion-protection": "db",
  "aws-rds-instance-iam-authentication": "db",
  "aws-elasticache-encryption-at-rest": "cache",
  "aws-elasticache-encryption-in-transit": "cache",
  "aws-elasticache-auth": "cache",
  "aws-elasticache-automatic-failover": "cache",
  "aws-eks-endpoint-not-public": "eks",
  "aws-eks-control-plane-logging": "eks",
  "aws-eks-secrets-encryption": "eks",
  "aws-guardduty-enabled": "guardduty",
  // Issue 18 (test/fixtures/insecure-program/peers.ts).
  "cis-eks-2.1.2-audit-logs-managed": "audited",
  "cis-eks-4.1.7-cluster-access-manager-api": "eks",
  "cis-eks-4.1.9-minimize-persistent-volume-create": "operator",
  "cis-eks-4.1.10-minimize-node-proxy": "operator",
  "cis-eks-4.1.11-minimize-webhook-config-access": "operator",
  "cis-eks-4.1.12-minimize-service-account-token-create": "operator",
  "cis-eks-5.4.5-ingress-tls": "web",
  "nsa-rbac-no-pod-exec-attach": "operator",
  "nsa-rbac-no-role-named-cluster-admin": "fake-admin",
  "nsa-read-only-root-filesystem": "worker",
  "wr-hpa-can-scale": "frozen",
  "wr-cronjob-deadline-and-concurrency": "report",
  "wr-probes-distinct": "worker",
  "wr-ephemeral-storage-requests": "worker",
  "wr-selector-matches-template": "worker",
  "wr-service-selects-pods": "ghost",
  "wr-pull-policy-mutable-tags": "worker",
  "wr-env-names-unique": "worker",
  "wr-api-versions-current": "legacy-report",
  "cis-aws-2.2.1-ec2-block-devices-encrypted": "jumphost",
  "cis-aws-2.3.2-rds-auto-minor-version-upgrade": "aurora-1",
  "cis-aws-2.4.1-efs-encrypted": "shared",
  "cis-aws-5.1-nacl-no-admin-ingress": "acl-ssh",
  "cis-aws-5.6-ec2-imdsv2-required": "jumphost",
  "aws-ec2-sg-no-high-risk-port-ingress": "mysql-world",
  "aws-ec2-no-public-ip": "jumphost",
  "aws-ecs-no-secrets-in-environment": "api-task",
  "aws-dynamodb-pitr": "orders",
  "aws-opensearch-encryption-at-rest": "search",
  "aws-opensearch-node-to-node-encryption": "search",
  "aws-redshift-not-public": "warehouse",
  "aws-redshift-encrypted": "warehouse",
  "aws-alb-access-logs": "public",
  "aws-lb-deletion-protection": "public",
  "aws-alb-http-to-https-redirect": "http",
  "aws-apigateway-logging": "prod",
  "aws-ecr-no-public-write": "images-policy",
  "aws-dynamodb-kms-encryption": "orders",
  "aws-apigateway-tls12": "api-domain",
  // Drills, images and restore tests (test/fixtures/insecure-program/drills.ts).
  "aws-backup-restore-tested": "ledger",
  "wr-fis-stop-conditions": "chaos",
  "wr-rollout-analysed": "unanalysed",
  "wr-mesh-traffic-resilience": "ledger-api",
  "nsa-mesh-strict-mtls": "vendor",
  "nsa-mesh-authorization-policy": "vendor",
  "cis-eks-5.1.4-approved-registries": "vendor",
  "cis-eks-5.1.4-images-digest-pinned": "vendor",
};

/**
 * Policies decided in prod only (they return nothing in dev): the packs run with the stack's dev config, except that
 * these are configured with environment prod, as a prod stack would be, so their seeded violations are judged.
 */
const PROD_ONLY: Record<string, string[]> = {
  "kubernetes-cis": ["cis-eks-5.1.4-approved-registries", "cis-eks-5.1.4-images-digest-pinned"],
};
const packConfig = (pack: string) => Object.fromEntries((PROD_ONLY[pack] ?? []).map((policy) => [policy, { environment: "prod" }]));


let recorder: ResourceRecorder;
const clients: PolicyPackClient[] = [];
const findings: AnalyzerFinding[] = [];

beforeAll(async () => {
  recorder = installMockRuntime({ preview: true, project: "insecure-program", stack: "dev" });
  require("../../fixtures/insecure-program");
  await settle();
  const resources = recorder.resources.filter((r) => r.custom).map((r) => toAnalyzerResource(r, recorder, false, { stack: "dev", project: "insecure-program" }));
  clients.push(...(await Promise.all(PACKS.map((p) => startPolicyPack(packDir(p), { config: packConfig(p) })))));
  for (const c of clients) findings.push(...(await analyzeAll(c, resources)));
});
afterAll(async () => Promise.all(clients.map((c) => c.close())));

test("the seed list names every policy of the three packs", async () => {
  const all = (await Promise.all(clients.map((c) => c.info()))).flatMap((i) => i.policies.map((p) => p.name));
  expect(Object.keys(SEEDED).sort()).toEqual(all.sort());
});

test.each(Object.entries(SEEDED))("%s is found (seeded on %s)", (policy, name) => {
  const mine = findings.filter((f) => f.policyName === policy);
  expect(mine.length).toBeGreaterThan(0);
  if (name) expect(mine.map((f) => f.urn?.split("::").pop())).toContain(name);
});

test("no rule failed to evaluate and no finding prints an unknown", () => {
  expect(findings.filter((f) => f.message.startsWith("rule could not evaluate") || f.message.includes("04da6b54"))).toEqual([]);
});

test("the seeded violations are decided, not left as 'cannot tell yet'", () => {
  for (const [policy, name] of Object.entries(SEEDED)) {
    if (!name) continue;
    const decided = findings.filter((f) => f.policyName === policy && f.urn?.split("::").pop() === name && !f.message.startsWith("cannot tell yet:"));
    expect([policy, decided.length > 0]).toEqual([policy, true]);
  }
});
