/** Closed choices of the cluster component. */

/** Control-plane log types; all five are always enabled. */
export const CONTROL_PLANE_LOG_TYPES = ["api", "audit", "authenticator", "controllerManager", "scheduler"] as const;

export const CapacityType = { OnDemand: "ON_DEMAND", Spot: "SPOT" } as const;
export type CapacityType = (typeof CapacityType)[keyof typeof CapacityType];

/** Amazon Linux 2023 EKS-optimised AMIs (AL2 is end-of-life for EKS 1.33+); the root device is /dev/xvda. */
export const AmiType = { Al2023X86: "AL2023_x86_64_STANDARD", Al2023Arm: "AL2023_ARM_64_STANDARD" } as const;
export type AmiType = (typeof AmiType)[keyof typeof AmiType];

export const TaintEffect = { NoSchedule: "NO_SCHEDULE", NoExecute: "NO_EXECUTE", PreferNoSchedule: "PREFER_NO_SCHEDULE" } as const;
export type TaintEffect = (typeof TaintEffect)[keyof typeof TaintEffect];

/** AWS-managed EKS access policy granting cluster-admin. */
export const CLUSTER_ADMIN_ACCESS_POLICY = "AmazonEKSClusterAdminPolicy";
