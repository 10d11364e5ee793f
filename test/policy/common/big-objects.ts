/**
 * Objects far larger than real ones, to prove the rules are linear in the size of the object they judge (used by
 * test/policy/linear.test.ts for correctness and by `npm run bench` for the timing).
 */
import type { Subject } from "../../../policy/common/finding";

const URN = "urn:pulumi:test::big::";

/** A Deployment with `count` containers, each compliant with every workload-resilience container check. */
export function bigDeployment(count: number): Subject {
  const containers = Array.from({ length: count }, (_, i) => ({
    name: `c${i}`,
    image: `registry.example.com/app@sha256:${"a".repeat(64)}`,
    env: [{ name: "MODE", value: "a" }, { name: `VAR_${i}`, value: "b" }],
    readinessProbe: { httpGet: { path: "/ready", port: 8080 + (i % 100) } },
    livenessProbe: { httpGet: { path: "/live", port: 8080 + (i % 100) } },
    resources: { requests: { cpu: "10m", memory: "16Mi", "ephemeral-storage": "16Mi" }, limits: { memory: "32Mi" } },
    securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true },
  }));
  return {
    type: "kubernetes:apps/v1:Deployment",
    name: "big",
    urn: `${URN}kubernetes:apps/v1:Deployment::big`,
    props: {
      metadata: { name: "big", namespace: "shop" },
      spec: {
        replicas: 3,
        selector: { matchLabels: { app: "big" } },
        template: {
          metadata: { labels: { app: "big" } },
          spec: {
            serviceAccountName: "big",
            automountServiceAccountToken: false,
            topologySpreadConstraints: [{ maxSkew: 1, topologyKey: "topology.kubernetes.io/zone", whenUnsatisfiable: "DoNotSchedule" }],
            containers,
          },
        },
      },
    },
  };
}

/** A ClusterRole with `count` narrow read rules (on distinct custom resources), none of which any CIS check flags. */
export function bigClusterRole(count: number): Subject {
  const rules = Array.from({ length: count }, (_, i) => ({ apiGroups: [`g${i % 50}.example.com`], resources: [`things${i}`], verbs: ["get", "list", "watch"] }));
  return { type: "kubernetes:rbac.authorization.k8s.io/v1:ClusterRole", name: "big", urn: `${URN}kubernetes:rbac.authorization.k8s.io/v1:ClusterRole::big`, props: { metadata: { name: "big" }, rules } };
}

/**
 * The ECR repository the big pod's image lives in, as the program declares it (CIS EKS 5.1.4 approves an image of the
 * account's ECR only in a repository the program declares; 5.1.1 wants it scanned on push). Judge it with the pod.
 */
export function bigPodRepository(): Subject {
  return {
    type: "aws:ecr/repository:Repository",
    name: "app",
    urn: `${URN}aws:ecr/repository:Repository::app`,
    props: { name: "shop/app", imageTagMutability: "IMMUTABLE", imageScanningConfiguration: { scanOnPush: true } },
  };
}

/**
 * A Pod with `count` volumes (emptyDir, allowed everywhere) mounted by one container whose image is pinned by digest
 * in the repository of `bigPodRepository()`.
 */
export function bigPod(count: number): Subject {
  const volumes = Array.from({ length: count }, (_, i) => ({ name: `v${i}`, emptyDir: {} }));
  return {
    type: "kubernetes:core/v1:Pod",
    name: "big",
    urn: `${URN}kubernetes:core/v1:Pod::big`,
    props: {
      metadata: { name: "big", namespace: "shop" },
      spec: {
        serviceAccountName: "big",
        automountServiceAccountToken: false,
        securityContext: { runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } },
        containers: [
          {
            name: "app",
            image: `111122223333.dkr.ecr.us-east-1.amazonaws.com/shop/app@sha256:${"a".repeat(64)}`,
            securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ["ALL"] } },
            volumeMounts: volumes.map((v) => ({ name: v.name, mountPath: `/mnt/${v.name}` })),
          },
        ],
        volumes,
      },
    },
  };
}
