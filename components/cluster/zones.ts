/**
 * Availability Zones EKS refuses for cluster subnets, by AZ ID (the physical zone; zone names differ per account).
 * EKS user guide, "View Amazon EKS networking requirements for VPC and subnets" (subnet requirements): a cluster
 * whose subnets are in one of these fails with `UnsupportedAvailabilityZoneException`. Checked 2026-12 against that
 * page and eksctl's own unsupported-zone list (the same three). Names cannot be used: `us-east-1e` is use1-az3 in
 * one account and another zone in the next.
 */
export const EKS_UNSUPPORTED_ZONE_IDS: readonly string[] = ["use1-az3", "usw1-az2", "cac1-az3"];

/** Shape of an AZ ID: region code, `-az`, number (use1-az1, apse2-az3); Local Zones (use1-bos1-az1) do not match. */
export const AZ_ID_PATTERN = /^[a-z]{2,4}[a-z]*\d+-az\d+$/;
