/** ElastiCache replication groups (Redis/Valkey): encryption, authentication, failover. */
import { Finding, ResourceRule, Subject } from "../../common/finding";
import { arrayOf, boolOf, cannotTellYet, isSet, isUnknown } from "../../common/unknown";
import { fsbp } from "./meta";

export const REPLICATION_GROUP = "aws:elasticache/replicationGroup:ReplicationGroup";
const label = (r: Subject) => `ElastiCache replication group ${r.name}`;
/** `[]` when the flag is true (or the group inherits it), "cannot tell yet" when unknown, else the violation. */
function flag(r: Subject, field: string, policy: string, violation: string): Finding[] {
  const v = boolOf(r.props[field]);
  if (v === true || inheritsFromGlobal(r)) return [];
  if (v === "unknown") return [cannotTellYet(label(r), field, policy)];
  return [{ message: violation }];
}
/**
 * A secondary member of a global datastore takes encryption and AUTH from the global group's primary (the API
 * rejects them on the secondary), so it is judged through the primary.
 */
const inheritsFromGlobal = (r: Subject) => isSet(r.props.globalReplicationGroupId);

export const elasticacheAtRest: ResourceRule = {
  meta: fsbp("ElastiCache.4", "aws-elasticache-encryption-at-rest", "ElastiCache replication groups should be encrypted at rest", "high", "Set atRestEncryptionEnabled to true (and kmsKeyId to a customer managed key)."),
  types: [REPLICATION_GROUP],
  check: (r) => flag(r, "atRestEncryptionEnabled", "aws-elasticache-encryption-at-rest", `${label(r)} stores data unencrypted; set atRestEncryptionEnabled to true.`),
};

export const elasticacheInTransit: ResourceRule = {
  meta: fsbp("ElastiCache.5", "aws-elasticache-encryption-in-transit", "ElastiCache replication groups should be encrypted in transit", "high", "Set transitEncryptionEnabled to true."),
  types: [REPLICATION_GROUP],
  check: (r) => flag(r, "transitEncryptionEnabled", "aws-elasticache-encryption-in-transit", `${label(r)} accepts plaintext connections; set transitEncryptionEnabled to true.`),
};

export const elasticacheAuth: ResourceRule = {
  meta: fsbp("ElastiCache.6", "aws-elasticache-auth", "ElastiCache replication groups should require authentication", "high", "Set authToken (a secret) or userGroupIds with RBAC users."),
  types: [REPLICATION_GROUP],
  check(r) {
    const users = r.props.userGroupIds;
    const hasUsers = isUnknown(users) || arrayOf(users).length > 0;
    return isSet(r.props.authToken) || isSet(r.props.authTokenWo) || hasUsers || inheritsFromGlobal(r) ? [] : [{ message: `${label(r)} accepts unauthenticated clients; set authToken or userGroupIds.` }];
  },
};

export const elasticacheFailover: ResourceRule = {
  meta: fsbp("ElastiCache.3", "aws-elasticache-automatic-failover", "ElastiCache replication groups should have automatic failover enabled", "high", "Set automaticFailoverEnabled and multiAzEnabled to true with at least two nodes."),
  types: [REPLICATION_GROUP],
  check(r) {
    const v = boolOf(r.props.automaticFailoverEnabled);
    if (v === true) return [];
    if (v === "unknown") return [cannotTellYet(label(r), "automaticFailoverEnabled", "aws-elasticache-automatic-failover")];
    return [{ message: `${label(r)} does not fail over automatically; set automaticFailoverEnabled to true (with multiAzEnabled and 2+ nodes).` }];
  },
};
