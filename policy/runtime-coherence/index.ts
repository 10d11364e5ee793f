/** Runtime coherence pack: "it deploys but does not work" across resources, per cluster and per account/region. Wiring only. */
// First: the SDK root loads only if used (policy/common/defer-sdk-root.ts).
import "../common/defer-sdk-root";
// Then: each request's properties deserialised once, not once per policy (policy/common/deserialise-once.ts).
import "../common/deserialise-once";
import { PolicyPack } from "@pulumi/policy";
import { policiesFor } from "../common/wiring";
import { RULES } from "./rules";

new PolicyPack("runtime-coherence", {
  description: "Runtime coherence across resources: metrics API, volume claims, quotas, egress, selectors, alarm data, account singletons, API access, certificates and DNS names, mirrored chart images, stable policy attachments.",
  enforcementLevel: "advisory",
  policies: policiesFor(RULES, { packDir: __dirname }),
});
