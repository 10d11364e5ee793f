import type { ResourceRule, StackRule } from "../../common/finding";
import { accessManagerApi, auditLogsManaged, ingressTls, readOnlyRootFilesystem } from "./access";
import { auditLogsEnabled, ecrScanOnPush, networkPolicyEnforced, privateEndpoint, privateNodes, restrictEndpointAccess, secretsEncryptedWithKms } from "./eks";
import { approvedRegistries, imagesDigestPinned } from "./images";
import { meshAuthorizationPolicy, meshStrictMtls } from "./mesh";
import { defaultNamespaceNotUsed } from "./namespaces";
import { namespacesHaveNetworkPolicies } from "./network";
import { noHostIpc, noHostNetwork, noHostPid, noPrivilegeEscalation, noPrivilegedContainers } from "./pod-security";
import {
  clusterAdminOnlyWhereRequired,
  minimizeNodeProxy,
  minimizePersistentVolumeCreate,
  minimizePodCreate,
  minimizeSecretsAccess,
  minimizeTokenCreate,
  minimizeWebhookConfigAccess,
  noBindImpersonateEscalate,
  noPodExecAttach,
  noRbacWildcards,
  noRoleNamedClusterAdmin,
} from "./rbac";
import { secretsAsFiles } from "./secrets";
import { defaultServiceAccountNotUsed, serviceAccountTokenMountedWhereNeeded } from "./service-accounts";

/** Every rule of the pack, in control order (CIS EKS 1.8, then NSA/CISA). The pack inventory test pins this list. */
export const RULES: readonly (ResourceRule | StackRule)[] = [
  auditLogsEnabled,
  auditLogsManaged,
  clusterAdminOnlyWhereRequired,
  minimizeSecretsAccess,
  noRbacWildcards,
  minimizePodCreate,
  defaultServiceAccountNotUsed,
  serviceAccountTokenMountedWhereNeeded,
  accessManagerApi,
  noBindImpersonateEscalate,
  minimizePersistentVolumeCreate,
  minimizeNodeProxy,
  minimizeWebhookConfigAccess,
  minimizeTokenCreate,
  noPrivilegedContainers,
  noHostPid,
  noHostIpc,
  noHostNetwork,
  noPrivilegeEscalation,
  namespacesHaveNetworkPolicies,
  secretsAsFiles,
  defaultNamespaceNotUsed,
  ecrScanOnPush,
  approvedRegistries,
  imagesDigestPinned,
  secretsEncryptedWithKms,
  restrictEndpointAccess,
  privateEndpoint,
  privateNodes,
  networkPolicyEnforced,
  ingressTls,
  noPodExecAttach,
  noRoleNamedClusterAdmin,
  readOnlyRootFilesystem,
  meshStrictMtls,
  meshAuthorizationPolicy,
];
