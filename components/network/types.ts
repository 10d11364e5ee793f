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

/** Retention values CloudWatch Logs accepts (days). */
export const LOG_RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653] as const;

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
