import type { ResourceRule, StackRule } from "../../common/finding";
import { auditLogsEnabled, ecrScanOnPush, networkPolicyEnforced, privateEndpoint, privateNodes, restrictEndpointAccess, secretsEncryptedWithKms } from "./eks";
import { approvedRegistries, imagesDigestPinned } from "./images";
import { defaultNamespaceNotUsed, namespacesAsBoundaries } from "./namespaces";
import { namespacesHaveNetworkPolicies } from "./network";
import { noHostIpc, noHostNetwork, noHostPid, noPrivilegeEscalation, noPrivilegedContainers } from "./pod-security";
import { clusterAdminOnlyWhereRequired, minimizePodCreate, minimizeSecretsAccess, noBindImpersonateEscalate, noRbacWildcards } from "./rbac";
import { secretsAsFiles } from "./secrets";
import { defaultServiceAccountNotUsed, serviceAccountTokenMountedWhereNeeded } from "./service-accounts";

/** Every rule of the pack, in control order. The pack inventory test pins this list. */
export const RULES: readonly (ResourceRule | StackRule)[] = [
  auditLogsEnabled,
  clusterAdminOnlyWhereRequired,
  minimizeSecretsAccess,
  noRbacWildcards,
  minimizePodCreate,
  defaultServiceAccountNotUsed,
  serviceAccountTokenMountedWhereNeeded,
  noBindImpersonateEscalate,
  noPrivilegedContainers,
  noHostPid,
  noHostIpc,
  noHostNetwork,
  noPrivilegeEscalation,
  namespacesHaveNetworkPolicies,
  secretsAsFiles,
  namespacesAsBoundaries,
  defaultNamespaceNotUsed,
  ecrScanOnPush,
  approvedRegistries,
  imagesDigestPinned,
  secretsEncryptedWithKms,
  restrictEndpointAccess,
  privateEndpoint,
  privateNodes,
  networkPolicyEnforced,
];
