import type { ResourceRule, StackRule } from "../../common/finding";
import { ebsEncryption, guardDutyEnabled, kmsRotation, securityHubEnabled, trailKms, trailLogValidation, trailMultiRegion, vpcFlowLogs } from "./account";
import { eksAllLogs, eksEndpointNotPublic, eksSecretsEncryption } from "./eks";
import { elasticacheAtRest, elasticacheAuth, elasticacheFailover, elasticacheInTransit } from "./elasticache";
import { iamNoFullAdmin } from "./iam";
import { noIpv4AdminIngress, noIpv6AdminIngress } from "./network";
import { rdsBackupRetention, rdsDeletionProtection, rdsEncryptedWithCmk, rdsIamAuth, rdsMultiAz, rdsNotPublic } from "./rds";
import { restoreTested } from "./restore";
import { s3BackupReplication, s3BlockPublicAccess, s3EncryptedWithKms, s3TlsOnly, s3Versioning } from "./s3";

/** Every rule of the pack: CIS AWS Foundations v3.0 first (control order), then FSBP. The inventory test pins it. */
export const RULES: readonly (ResourceRule | StackRule)[] = [
  iamNoFullAdmin,
  s3TlsOnly,
  s3BlockPublicAccess,
  ebsEncryption,
  rdsEncryptedWithCmk,
  rdsNotPublic,
  trailMultiRegion,
  trailLogValidation,
  trailKms,
  kmsRotation,
  vpcFlowLogs,
  securityHubEnabled,
  noIpv4AdminIngress,
  noIpv6AdminIngress,
  s3Versioning,
  s3EncryptedWithKms,
  s3BackupReplication,
  rdsMultiAz,
  rdsBackupRetention,
  rdsDeletionProtection,
  rdsIamAuth,
  elasticacheAtRest,
  elasticacheInTransit,
  elasticacheAuth,
  elasticacheFailover,
  eksEndpointNotPublic,
  eksAllLogs,
  eksSecretsEncryption,
  guardDutyEnabled,
  restoreTested,
];
