/** The one IRSA factory: trust pinned to one service account, attachments named by policy, never by position. */
import * as aws from "@pulumi/aws";
import { attachPolicies, createIrsaRole } from "../../../components/shared/irsa";
import { runOffline } from "../../../src/testing";

const ISSUER = "https://oidc.eks.us-east-1.amazonaws.com/id/ABC";
const OIDC = "arn:aws:iam::123456789012:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/ABC";

async function attachmentNames(policies: readonly string[]): Promise<string[]> {
  const { recorder } = await runOffline(() => {
    createIrsaRole("r", { oidcProviderArn: OIDC, oidcIssuer: ISSUER, namespace: "ns", serviceAccount: "sa", managedPolicies: policies }, {});
  }, { preview: false, project: "p", stack: "s" });
  return recorder.resources.filter((r) => r.type === "aws:iam/rolePolicyAttachment:RolePolicyAttachment").map((r) => r.name).sort();
}

test("removing the first policy keeps the other attachments' names (and so their URNs)", async () => {
  const all = await attachmentNames(["AmazonEKS_CNI_Policy", "service-role/AmazonEBSCSIDriverPolicy", "arn:aws:iam::aws:policy/AWSXRayDaemonWriteAccess"]);
  const fewer = await attachmentNames(["service-role/AmazonEBSCSIDriverPolicy", "arn:aws:iam::aws:policy/AWSXRayDaemonWriteAccess"]);
  expect(all).toEqual(["r-AWSXRayDaemonWriteAccess", "r-AmazonEBSCSIDriverPolicy", "r-AmazonEKS_CNI_Policy"]);
  expect(fewer).toEqual(all.filter((n) => n !== "r-AmazonEKS_CNI_Policy"));
});

test("the trust policy admits exactly the service account, with the STS audience", async () => {
  const { recorder } = await runOffline(() => {
    createIrsaRole("r", { oidcProviderArn: OIDC, oidcIssuer: ISSUER, namespace: "ns", serviceAccount: "sa" }, {});
  }, { preview: false, project: "p", stack: "s" });
  const role = recorder.resources.find((r) => r.type === "aws:iam/role:Role")!;
  const trust = JSON.parse(role.props.assumeRolePolicy as string);
  expect(trust.Statement[0].Condition.StringEquals).toEqual({
    "oidc.eks.us-east-1.amazonaws.com/id/ABC:sub": "system:serviceaccount:ns:sa",
    "oidc.eks.us-east-1.amazonaws.com/id/ABC:aud": "sts.amazonaws.com",
  });
});

test("a renamed attachment carries the alias of its old index name", async () => {
  const { recorder } = await runOffline(() => {
    const role = new aws.iam.Role("x", { assumeRolePolicy: "{}" });
    attachPolicies("x", role, ["arn:aws:iam::aws:policy/AWSXRayDaemonWriteAccess"], {}, "aws", (_p, i) => [{ name: `x-managed-${i}` }]);
  }, { preview: false, project: "p", stack: "s" });
  const attachment = recorder.resources.find((r) => r.type === "aws:iam/rolePolicyAttachment:RolePolicyAttachment")!;
  expect(attachment.name).toBe("x-AWSXRayDaemonWriteAccess");
  expect(JSON.stringify(attachment.options.aliases)).toContain("x-managed-0");
});
