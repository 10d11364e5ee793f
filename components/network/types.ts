/** Closed choices shared by the network component, its validation and its callers. */

export { Environment, Environments } from "../shared/environment";

/** How many NAT gateways carry the private subnets' outbound traffic. */
export const NatGateways = {
  /** One NAT gateway in every zone: losing a zone does not cut the others off from the internet. */
  OnePerZone: "OnePerZone",
  /** One NAT gateway for the whole VPC: cheaper, but a zone outage or NAT failure cuts every zone off. Dev only. */
  Single: "Single",
} as const;
export type NatGateways = (typeof NatGateways)[keyof typeof NatGateways];

export { LOG_RETENTION_DAYS } from "../shared/logs";

/**
 * AWS services the private nodes of an EKS cluster reach through interface endpoints, so that pulling images,
 * getting credentials and shipping logs does not depend on the NAT gateways.
 */
export const INTERFACE_ENDPOINT_SERVICES = [
  "ecr.api",
  "ecr.dkr",
  "sts",
  "logs",
  "ec2",
  "elasticloadbalancing",
  "autoscaling",
  "kms",
  "secretsmanager",
] as const;
