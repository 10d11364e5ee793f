/** EKS control plane, as AWS FSBP maps it (the CIS EKS pack decides the CIS controls with the same checks). */
import { ResourceRule } from "../../common/finding";
import { EKS_CLUSTER, endpointAccess, missingLogTypes, secretsNotEncrypted } from "../../common/checks/eks";
import { fsbp } from "./meta";

export const eksEndpointNotPublic: ResourceRule = {
  meta: fsbp("EKS.1", "aws-eks-endpoint-not-public", "EKS cluster endpoints should not be publicly accessible", "high", "Set vpcConfig.endpointPublicAccess to false and endpointPrivateAccess to true."),
  types: [EKS_CLUSTER],
  check: (c) => (endpointAccess(c).publicAccess === true ? [{ message: `EKS cluster ${c.name} API endpoint is public; set vpcConfig.endpointPublicAccess to false.` }] : []),
};

export const eksAllLogs: ResourceRule = {
  meta: fsbp("EKS.8", "aws-eks-control-plane-logging", "EKS clusters should have audit logging enabled", "medium", "Set enabledClusterLogTypes to api, audit, authenticator, controllerManager and scheduler."),
  types: [EKS_CLUSTER],
  check(c) {
    const missing = missingLogTypes(c);
    return missing.length === 0 ? [] : [{ message: `EKS cluster ${c.name} does not ship ${missing.join(", ")} logs; add them to enabledClusterLogTypes.` }];
  },
};

export const eksSecretsEncryption: ResourceRule = {
  meta: fsbp("EKS.3", "aws-eks-secrets-encryption", "EKS clusters should use encrypted Kubernetes secrets", "high", "Set encryptionConfig { resources: [\"secrets\"], provider: { keyArn } } with a customer managed KMS key."),
  types: [EKS_CLUSTER],
  check: (c) => (secretsNotEncrypted(c) ? [{ message: `EKS cluster ${c.name} does not envelope-encrypt secrets; set encryptionConfig with a KMS key.` }] : []),
};
