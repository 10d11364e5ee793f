/** Pod builders for the pack's own fixtures: a restricted-compliant baseline, changed one field per case. */
import { Pod } from "../../../policy/pod-security/api";

type Json = Record<string, any>;

const restrictedContainer = (name: string): Json => ({
  name,
  image: "registry.k8s.io/pause",
  securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } },
});

/** A pod every level and version allows: init, regular and ephemeral container, all restricted-compliant. */
export function restrictedPod(): { metadata: Json; spec: Json } {
  return {
    metadata: { name: "app" },
    spec: {
      securityContext: { runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } },
      initContainers: [restrictedContainer("init")],
      containers: [restrictedContainer("app")],
      ephemeralContainers: [restrictedContainer("debug")],
    },
  };
}

/** The restricted pod with `mutate` applied to a deep copy. */
export function podWith(mutate: (pod: { metadata: Json; spec: Json }) => void): Pod {
  const pod = structuredClone(restrictedPod());
  mutate(pod);
  return pod;
}

/** A Windows pod as upstream's base_windows fixture: no Linux-only fields at all. */
export function windowsPod(): { metadata: Json; spec: Json } {
  return {
    metadata: { name: "win" },
    spec: {
      os: { name: "windows" },
      securityContext: { runAsNonRoot: true },
      initContainers: [{ name: "init", image: "mcr.microsoft.com/windows/nanoserver" }],
      containers: [{ name: "app", image: "mcr.microsoft.com/windows/nanoserver" }],
      ephemeralContainers: [{ name: "debug", image: "mcr.microsoft.com/windows/nanoserver" }],
    },
  };
}

/** Wraps a pod into the resource props of a pod-bearing kind, the way pulumi-kubernetes passes them. */
export function asKind(kind: string, pod: Pod, namespace?: string): { type: string; props: Json } {
  const template = { metadata: pod.metadata, spec: pod.spec };
  const metadata = { name: `w-${kind.toLowerCase()}`, ...(namespace ? { namespace } : {}) };
  switch (kind) {
    case "Pod":
      return { type: "kubernetes:core/v1:Pod", props: { apiVersion: "v1", kind, metadata: { ...pod.metadata, ...metadata }, spec: pod.spec } };
    case "PodTemplate":
      return { type: "kubernetes:core/v1:PodTemplate", props: { apiVersion: "v1", kind, metadata, template } };
    case "ReplicationController":
      return { type: "kubernetes:core/v1:ReplicationController", props: { apiVersion: "v1", kind, metadata, spec: { template } } };
    case "CronJob":
      return { type: "kubernetes:batch/v1:CronJob", props: { apiVersion: "batch/v1", kind, metadata, spec: { schedule: "* * * * *", jobTemplate: { spec: { template } } } } };
    case "Job":
      return { type: "kubernetes:batch/v1:Job", props: { apiVersion: "batch/v1", kind, metadata, spec: { template } } };
    default:
      return { type: `kubernetes:apps/v1:${kind}`, props: { apiVersion: "apps/v1", kind, metadata, spec: { selector: {}, template } } };
  }
}

export const CONTROLLER_KINDS = ["Pod", "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job", "CronJob", "ReplicationController", "PodTemplate"] as const;
