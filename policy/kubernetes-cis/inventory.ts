/**
 * Controls of the CIS Amazon EKS Benchmark v1.8 this pack reports on: the ones its rules decide, and the ones that
 * cannot be decided from code (Manual in the benchmark, or node/account state), listed so the report shows them
 * as "not decidable from code" instead of leaving them out.
 */
import { Control, controlsOf, manualControl } from "../common/score";
import { RULES } from "./rules";

const NODE_STATE = "worker node configuration: not visible in infrastructure code";

export const INVENTORY: readonly Control[] = [
  ...controlsOf(RULES),
  manualControl("CIS-EKS-1.8", "3.1", "Worker node configuration files (kubeconfig/kubelet file permissions and ownership)", NODE_STATE),
  manualControl("CIS-EKS-1.8", "3.2", "Kubelet configuration (authentication, authorization, read-only port, TLS, ...)", NODE_STATE),
  manualControl("CIS-EKS-1.8", "3.3.1", "Prefer using a container-optimized OS when possible"),
  manualControl("CIS-EKS-1.8", "4.1.7", "Avoid use of system:masters group"),
  manualControl("CIS-EKS-1.8", "4.3.1", "Ensure CNI plugin supports network policies"),
  manualControl("CIS-EKS-1.8", "4.4.2", "Consider external secret storage"),
  manualControl("CIS-EKS-1.8", "5.1.2", "Minimize user access to Amazon ECR"),
  manualControl("CIS-EKS-1.8", "5.1.3", "Minimize cluster access to read-only for Amazon ECR"),
  manualControl("CIS-EKS-1.8", "5.2.1", "Prefer using dedicated EKS Service Accounts"),
  manualControl("CIS-EKS-1.8", "5.4.5", "Encrypt traffic to HTTPS load balancers with TLS certificates"),
  manualControl("CIS-EKS-1.8", "5.5.1", "Manage Kubernetes RBAC users with AWS IAM Authenticator for Kubernetes or AWS CLI v1.16.156 or greater"),
];
