/** CIS Amazon EKS Benchmark v1.8 pack: wiring only, rules live in ./rules. */
// First: the SDK root loads only if used (policy/common/defer-sdk-root.ts).
import "../common/defer-sdk-root";
// Then: each request's properties deserialised once, not once per policy (policy/common/deserialise-once.ts).
import "../common/deserialise-once";
import { PolicyPack } from "@pulumi/policy";
import { policiesFor } from "../common/wiring";
import { RULES } from "./rules";

new PolicyPack("kubernetes-cis", {
  description: "CIS Amazon EKS Benchmark v1.8 controls decidable from Kubernetes manifests and EKS resources.",
  enforcementLevel: "advisory",
  policies: policiesFor(RULES, { packDir: __dirname }),
});
