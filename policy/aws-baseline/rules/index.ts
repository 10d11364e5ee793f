import type { ResourceRule, StackRule } from "../../common/finding";
import { ebsEncryption, guardDutyEnabled, kmsRotation, securityHubEnabled, trailKms, trailLogValidation, trailMultiRegion, vpcFlowLogs } from "./account";
import { attachedVolumesEncrypted, imdsV2Required, noPublicIp } from "./ec2";
import { albAccessLogs, albDeletionProtection, albHttpsRedirect, apiGatewayLogging, apiGatewayTls } from "./edge";
import { eksAllLogs, eksEndpointNotPublic, eksSecretsEncryption } from "./eks";
import { elasticacheAtRest, elasticacheAuth, elasticacheFailover, elasticacheInTransit } from "./elasticache";
import { iamNoFullAdmin } from "./iam";
import { naclNoAdminIngress, noHighRiskPortIngress, noIpv4AdminIngress, noIpv6AdminIngress } from "./network";
import {
  rdsAutoMinorUpgrade,
  rdsBackupRetention,
  rdsClusterDeletionProtection,
  rdsClusterIamAuth,
  rdsEncrypted,
  rdsInstanceDeletionProtection,
  rdsInstanceIamAuth,
  rdsMultiAz,
  rdsNotPublic,
} from "./rds";
import { restoreTested } from "./restore";
import { s3BackupReplication, s3BlockPublicAccess, s3EncryptedWithKms, s3TlsOnly, s3Versioning } from "./s3";
import { dynamoKms, dynamoPitr, ecrNoPublicWrite, ecsNoPlainSecrets, efsEncrypted, openSearchAtRest, openSearchNodeToNode, redshiftEncrypted, redshiftNotPublic } from "./services";

/** Every rule of the pack: CIS AWS Foundations v3.0 first (control order), then FSBP, then our own. The inventory test pins it. */
export const RULES: readonly (ResourceRule | StackRule)[] = [
  iamNoFullAdmin,
  s3TlsOnly,
  s3BlockPublicAccess,
  ebsEncryption,
  attachedVolumesEncrypted,
  rdsEncrypted,
  rdsAutoMinorUpgrade,
  rdsNotPublic,
  efsEncrypted,
  trailMultiRegion,
  trailLogValidation,
  trailKms,
  kmsRotation,
  vpcFlowLogs,
  securityHubEnabled,
  naclNoAdminIngress,
  noIpv4AdminIngress,
  noIpv6AdminIngress,
  imdsV2Required,
  s3Versioning,
  s3EncryptedWithKms,
  s3BackupReplication,
  rdsMultiAz,
  rdsBackupRetention,
  rdsClusterDeletionProtection,
  rdsInstanceDeletionProtection,
  rdsClusterIamAuth,
  rdsInstanceIamAuth,
  elasticacheAtRest,
  elasticacheInTransit,
  elasticacheAuth,
  elasticacheFailover,
  eksEndpointNotPublic,
  eksAllLogs,
  eksSecretsEncryption,
  guardDutyEnabled,
  noHighRiskPortIngress,
  noPublicIp,
  ecsNoPlainSecrets,
  dynamoPitr,
  openSearchAtRest,
  openSearchNodeToNode,
  redshiftNotPublic,
  redshiftEncrypted,
  albAccessLogs,
  albDeletionProtection,
  albHttpsRedirect,
  apiGatewayLogging,
  ecrNoPublicWrite,
  dynamoKms,
  apiGatewayTls,
  restoreTested,
];
