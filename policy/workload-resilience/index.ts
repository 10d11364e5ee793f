/** Workload resilience pack: HA coherence of Kubernetes workloads at preview time. Wiring only. */
// First: the SDK root loads only if used (policy/common/defer-sdk-root.ts).
import "../common/defer-sdk-root";
// Then: each request's properties deserialised once, not once per policy (policy/common/deserialise-once.ts).
import "../common/deserialise-once";
import { PolicyPack } from "@pulumi/policy";
import { policiesFor } from "../common/wiring";
import { RULES } from "./rules";

new PolicyPack("workload-resilience", {
  description: "High-availability coherence of Kubernetes workloads: replicas, HPA, PodDisruptionBudgets, zone spread, probes, resources, images.",
  enforcementLevel: "advisory",
  policies: policiesFor(RULES, { packDir: __dirname }),
});
