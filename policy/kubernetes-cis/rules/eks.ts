/** CIS EKS sections 2 and 5: control plane logging, registry scanning, secrets encryption, cluster networking. */
import { Finding, ResourceRule, StackRule, Subject } from "../../common/finding";
import { EKS_CLUSTER, endpointAccess, endpointOpenToInternet, missingLogTypes, secretsNotEncrypted } from "../../common/checks/eks";
import { referrersInScope } from "../../common/scope";
import { ofType, referencedBy } from "../../common/stack";
import { boolOf, isUnknown, objectOf, stringOf } from "../../common/unknown";
import { cisEks } from "./meta";

const NODE_GROUP = "aws:eks/nodeGroup:NodeGroup";
const ADDON = "aws:eks/addon:Addon";
const SUBNET = "aws:ec2/subnet:Subnet";
const ECR_REPOSITORY = "aws:ecr/repository:Repository";

const clusterLabel = (c: Subject) => `EKS cluster ${c.name}`;

export const auditLogsEnabled: ResourceRule = {
  meta: cisEks("2.1.1", "audit-logs-enabled", "Enable audit Logs", "high", "Add audit (and api, authenticator) to enabledClusterLogTypes of the EKS cluster."),
  types: [EKS_CLUSTER],
  check(c) {
    return missingLogTypes(c, ["audit"]).length === 0
      ? []
      : [{ message: `${clusterLabel(c)} does not ship audit logs; add "audit" to enabledClusterLogTypes.` }];
  },
};

export const ecrScanOnPush: ResourceRule = {
  meta: cisEks(
    "5.1.1",
    "ecr-scan-on-push",
    "Ensure Image Vulnerability Scanning using Amazon ECR image scanning or a third party provider",
    "medium",
    "Set imageScanningConfiguration.scanOnPush to true on the ECR repository (or enable registry-level enhanced scanning).",
  ),
  types: [ECR_REPOSITORY],
  check(r) {
    const scan = boolOf(objectOf(r.props.imageScanningConfiguration)?.scanOnPush);
    return scan === true || scan === "unknown" || isUnknown(r.props.imageScanningConfiguration)
      ? []
      : [{ message: `ECR repository ${r.name} does not scan images on push; set imageScanningConfiguration.scanOnPush to true.` }];
  },
};

export const secretsEncryptedWithKms: ResourceRule = {
  meta: cisEks(
    "5.3.1",
    "secrets-encrypted-with-kms",
    "Ensure Kubernetes Secrets are encrypted using Customer Master Keys (CMKs) managed in AWS KMS",
    "high",
    "Set encryptionConfig { resources: [\"secrets\"], provider: { keyArn: <KMS key ARN> } } on the EKS cluster.",
  ),
  types: [EKS_CLUSTER],
  check(c) {
    return secretsNotEncrypted(c)
      ? [{ message: `${clusterLabel(c)} does not envelope-encrypt secrets; set encryptionConfig with resources ["secrets"] and a KMS key ARN.` }]
      : [];
  },
};

export const restrictEndpointAccess: ResourceRule = {
  meta: cisEks(
    "5.4.1",
    "restrict-endpoint-access",
    "Restrict Access to the Control Plane Endpoint",
    "high",
    "Disable vpcConfig.endpointPublicAccess, or limit vpcConfig.publicAccessCidrs to the CIDRs of your operators and CI.",
  ),
  types: [EKS_CLUSTER],
  check(c) {
    return endpointOpenToInternet(c)
      ? [{ message: `${clusterLabel(c)} API endpoint is open to 0.0.0.0/0; set vpcConfig.publicAccessCidrs to your operator CIDRs or disable public access.` }]
      : [];
  },
};

export const privateEndpoint: ResourceRule = {
  meta: cisEks(
    "5.4.2",
    "private-endpoint",
    "Ensure clusters are created with Private Endpoint Enabled and Public Access Disabled",
    "high",
    "Set vpcConfig.endpointPrivateAccess to true and vpcConfig.endpointPublicAccess to false.",
  ),
  types: [EKS_CLUSTER],
  check(c) {
    const a = endpointAccess(c);
    const problems: string[] = [];
    if (a.privateAccess === false) problems.push("set vpcConfig.endpointPrivateAccess to true");
    if (a.publicAccess === true) problems.push("set vpcConfig.endpointPublicAccess to false");
    return problems.length === 0 ? [] : [{ message: `${clusterLabel(c)} endpoint is not private-only; ${problems.join(" and ")}.` }];
  },
};

export const privateNodes: StackRule = {
  meta: cisEks(
    "5.4.3",
    "private-nodes",
    "Ensure clusters are created with Private Nodes",
    "high",
    "Place node groups in private subnets (mapPublicIpOnLaunch false, egress through NAT) so nodes get no public IP.",
  ),
  judges: [NODE_GROUP],
  check(resources) {
    const publicSubnetsOf = referencedBy(ofType(resources, SUBNET).filter((s) => boolOf(s.props.mapPublicIpOnLaunch) === true), "subnetIds", ["id"]);
    const findings: Finding[] = [];
    for (const ng of ofType(resources, NODE_GROUP)) {
      const publicSubnets = publicSubnetsOf(ng);
      if (publicSubnets.length > 0) {
        findings.push({
          subject: ng,
          message: `EKS node group ${ng.name} runs in public subnet(s) ${publicSubnets.map((s) => s.name).join(", ")}; use private subnets (mapPublicIpOnLaunch false).`,
        });
      }
    }
    return findings;
  },
};

/** True when an addon's configurationValues turn on network policy enforcement (unknown counts as on). */
function enablesNetworkPolicy(addon: Subject): boolean {
  const raw = addon.props.configurationValues;
  if (isUnknown(raw)) return true;
  const text = stringOf(raw);
  if (text === undefined || text === "unknown") return false;
  try {
    const v = JSON.parse(text) as Record<string, unknown>;
    return v?.enableNetworkPolicy === "true" || v?.enableNetworkPolicy === true;
  } catch {
    return /enableNetworkPolicy["']?\s*:\s*["']?true/.test(text);
  }
}

export const networkPolicyEnforced: StackRule = {
  meta: cisEks(
    "5.4.4",
    "network-policy-enforced",
    "Ensure Network Policy is Enabled and set as appropriate",
    "high",
    "Install the vpc-cni addon with configurationValues {\"enableNetworkPolicy\": \"true\"} (or another CNI that enforces NetworkPolicy).",
  ),
  judges: [EKS_CLUSTER],
  check(resources) {
    const addonsOf = referrersInScope(ofType(resources, ADDON).filter((a) => a.props.addonName === "vpc-cni"), "clusterName", ["name"]);
    return ofType(resources, EKS_CLUSTER).flatMap((c) => {
      // Same account/region: two regions may each have a cluster called "main".
      const mine = addonsOf(c);
      if (mine.some(enablesNetworkPolicy)) return [];
      return [
        {
          subject: c,
          message:
            mine.length === 0
              ? `${clusterLabel(c)} has no vpc-cni addon enforcing NetworkPolicy; add aws.eks.Addon vpc-cni with configurationValues {"enableNetworkPolicy":"true"}.`
              : `${clusterLabel(c)} vpc-cni addon does not enforce NetworkPolicy; set configurationValues {"enableNetworkPolicy":"true"}.`,
        },
      ];
    });
  },
};
