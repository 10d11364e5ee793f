/**
 * Pins the exact JSON every caller of the shared IAM / S3 builders produces. The strings land in state as role and
 * bucket policies: a reordered key or a list where a string was is a diff on every stack, so these compare bytes.
 */
import * as pulumi from "@pulumi/pulumi";
import { irsaTrustPolicy as clusterIrsaTrustPolicy, serviceTrustPolicy as clusterServiceTrustPolicy } from "../../../components/cluster/iam";
import { tlsOnlyBucketPolicy } from "../../../components/data/buckets";
import { irsaTrustPolicy as monitoringIrsaTrustPolicy } from "../../../components/monitoring/irsa";
import { flowLogTrustPolicy } from "../../../components/network/policies";
import { serviceTrustPolicy as accountServiceTrustPolicy, tlsOnlyStatement } from "../../../components/security/accountPolicies";
import { irsaTrustPolicy as securityIrsaTrustPolicy } from "../../../components/security/iam";
import { irsaTrustPolicyDocument, issuerHost, issuerHostPath, serviceTrustPolicyDocument } from "../../../components/shared/iam";

const ARN = "arn:aws:iam::123456789012:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/ABC";
const ISSUER = "https://oidc.eks.us-east-1.amazonaws.com/id/ABC";
const HOST = "oidc.eks.us-east-1.amazonaws.com/id/ABC";

const IRSA_ONE =
  `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"${ARN}"},"Action":"sts:AssumeRoleWithWebIdentity",` +
  `"Condition":{"StringEquals":{"${HOST}:sub":"system:serviceaccount:kube-system:aws-node","${HOST}:aud":"sts.amazonaws.com"}}}]}`;

function resolved(output: pulumi.Output<string>): Promise<string> {
  return new Promise((resolve) => output.apply(resolve));
}

describe("IRSA trust policy", () => {
  test("cluster, monitoring and security callers write the same bytes for one service account", async () => {
    expect(clusterIrsaTrustPolicy({ oidcProviderArn: ARN, issuerUrl: ISSUER, namespace: "kube-system", serviceAccount: "aws-node" })).toBe(IRSA_ONE);
    expect(await resolved(monitoringIrsaTrustPolicy(ARN, ISSUER, "kube-system", "aws-node"))).toBe(IRSA_ONE);
    expect(JSON.stringify(securityIrsaTrustPolicy(ARN, ISSUER, ["system:serviceaccount:kube-system:aws-node"]))).toBe(IRSA_ONE);
  });

  test("several subjects are written as a list", () => {
    expect(JSON.stringify(irsaTrustPolicyDocument(ARN, HOST, ["a", "b"]))).toBe(
      `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"${ARN}"},"Action":"sts:AssumeRoleWithWebIdentity",` +
        `"Condition":{"StringEquals":{"${HOST}:sub":["a","b"],"${HOST}:aud":"sts.amazonaws.com"}}}]}`,
    );
  });

  // Cluster and monitoring have always kept a trailing slash of the issuer; security strips it. Kept as it was.
  test.each([
    [ISSUER, HOST, HOST],
    [`${ISSUER}/`, `${HOST}/`, HOST],
    [HOST, HOST, HOST],
  ])("issuer %p → host %p (cluster, monitoring), %p (security)", (issuer, host, hostPath) => {
    expect(issuerHost(issuer)).toBe(host);
    expect(issuerHostPath(issuer)).toBe(hostPath);
    expect(clusterIrsaTrustPolicy({ oidcProviderArn: ARN, issuerUrl: issuer, namespace: "n", serviceAccount: "s" })).toContain(`"${host}:sub"`);
    expect(JSON.stringify(securityIrsaTrustPolicy(ARN, issuer, ["x"]))).toContain(`"${hostPath}:sub"`);
  });
});

describe("service trust policy", () => {
  test.each([
    ["cluster default", () => clusterServiceTrustPolicy("ec2.amazonaws.com"), `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":["sts:AssumeRole"]}]}`],
    [
      "cluster with actions",
      () => clusterServiceTrustPolicy("eks.amazonaws.com", ["sts:AssumeRole", "sts:TagSession"]),
      `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"eks.amazonaws.com"},"Action":["sts:AssumeRole","sts:TagSession"]}]}`,
    ],
    [
      "account baseline",
      () => JSON.stringify(accountServiceTrustPolicy("config.amazonaws.com", "123456789012")),
      `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"config.amazonaws.com"},"Action":"sts:AssumeRole","Condition":{"StringEquals":{"aws:SourceAccount":"123456789012"}}}]}`,
    ],
    [
      "network flow logs",
      () => flowLogTrustPolicy("123456789012"),
      `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"vpc-flow-logs.amazonaws.com"},"Action":"sts:AssumeRole","Condition":{"StringEquals":{"aws:SourceAccount":"123456789012"}}}]}`,
    ],
  ])("%s", (_label, build, expected) => expect(build()).toBe(expected));

  test("an empty source account still pins the condition (it is not treated as absent)", () => {
    expect(serviceTrustPolicyDocument("s", { sourceAccount: "" }).Statement[0]).toHaveProperty("Condition");
  });
});

describe("TLS-only bucket statement", () => {
  const STATEMENT = `{"Sid":"DenyInsecureTransport","Effect":"Deny","Principal":"*","Action":"s3:*","Resource":["arn:aws:s3:::b","arn:aws:s3:::b/*"],"Condition":{"Bool":{"aws:SecureTransport":"false"}}}`;

  test("security's statement and data's bucket policy carry the same statement", () => {
    expect(JSON.stringify(tlsOnlyStatement("arn:aws:s3:::b"))).toBe(STATEMENT);
    expect(tlsOnlyBucketPolicy("arn:aws:s3:::b")).toBe(`{"Version":"2012-10-17","Statement":[${STATEMENT}]}`);
  });
});
