/**
 * Controls of the CIS Amazon EKS Benchmark v1.8 this pack reports on, lined up with the benchmark's own control list
 * and titles: the ones its rules decide (several the benchmark marks Manual are decidable from manifests and EKS
 * resources, e.g. 4.1.7-4.1.12 and section 5), and the ones no program can decide (worker node files and kubelet
 * flags, Manual policy choices), listed so the report shows them as "not decidable from code".
 */
import { Control, controlsOf, manualControl } from "../common/score";
import { RULES } from "./rules";

const NODE_STATE = "worker node files and kubelet flags: not visible in infrastructure code (kube-bench on the node decides it)";
const cis = (id: string, title: string, note?: string) => manualControl("CIS-EKS-1.8", id, title, note);

export const INVENTORY: readonly Control[] = [
  ...controlsOf(RULES),
  cis("3.1.1", "Ensure that the kubeconfig file permissions are set to 644 or more restrictive", NODE_STATE),
  cis("3.1.2", "Ensure that the kubelet kubeconfig file ownership is set to root:root", NODE_STATE),
  cis("3.1.3", "Ensure that the kubelet configuration file has permissions set to 644 or more restrictive", NODE_STATE),
  cis("3.1.4", "Ensure that the kubelet configuration file ownership is set to root:root", NODE_STATE),
  cis("3.2.1", "Ensure that the Anonymous Auth is Not Enabled", NODE_STATE),
  cis("3.2.2", "Ensure that the --authorization-mode argument is not set to AlwaysAllow", NODE_STATE),
  cis("3.2.3", "Ensure that a Client CA File is Configured", NODE_STATE),
  cis("3.2.4", "Ensure that the --read-only-port is disabled", NODE_STATE),
  cis("3.2.5", "Ensure that the --streaming-connection-idle-timeout argument is not set to 0", NODE_STATE),
  cis("3.2.6", "Ensure that the --make-iptables-util-chains argument is set to true", NODE_STATE),
  cis("3.2.7", "Ensure that the --eventRecordQPS argument is set to 0 or a level which ensures appropriate event capture", NODE_STATE),
  cis("3.2.8", "Ensure that the --rotate-certificates argument is not present or is set to true", NODE_STATE),
  cis("3.2.9", "Ensure that the RotateKubeletServerCertificate argument is set to true", NODE_STATE),
  cis("4.3.1", "Ensure CNI plugin supports network policies", "Manual in the benchmark: which CNI supports NetworkPolicy is a product choice (5.4.4 decides whether enforcement is on)"),
  cis("4.4.2", "Consider external secret storage"),
  cis("4.5.1", "Create administrative boundaries between resources using namespaces", "Manual in the benchmark: \"create namespaces as you need them\" is a design review, not a manifest property"),
  cis("5.1.2", "Minimize user access to Amazon ECR", "Manual in the benchmark: needs every IAM principal of the account (aws-baseline PA-1 decides the repository-policy part)"),
  cis("5.1.3", "Minimize cluster access to read-only for Amazon ECR", "Manual in the benchmark: needs the node role's effective IAM permissions"),
  cis("5.2.1", "Prefer using dedicated Amazon EKS Service Accounts"),
  cis("5.5.1", "Manage Kubernetes RBAC users with AWS IAM Authenticator for Kubernetes or Upgrade to AWS CLI v1.16.156 or greater", "Manual in the benchmark: client tooling, not cluster configuration"),
];
