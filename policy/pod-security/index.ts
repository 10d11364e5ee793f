/**
 * The `pod-security` CrossGuard pack: Pod Security Standards with the admission controller's version rules.
 * Thin wiring only (rules.ts through policy/common); see README.md for why the checks are resource policies.
 */
// First: the SDK root loads only if used (policy/common/defer-sdk-root.ts).
import "../common/defer-sdk-root";
// Then: each request's properties deserialised once, not once per policy (policy/common/deserialise-once.ts).
import "../common/deserialise-once";
import { PolicyPack } from "@pulumi/policy";
import { resourcePolicy, stackPolicy } from "../common/wiring";
import { ADVISORY_RULE, CHECK_RULES, NAMESPACE_RULE } from "./rules";

const settings = { packDir: __dirname };

new PolicyPack("pod-security", {
  policies: [
    ...CHECK_RULES.map((rule) => ({ ...resourcePolicy(rule, settings), enforcementLevel: "mandatory" as const })),
    { ...resourcePolicy(ADVISORY_RULE, settings), enforcementLevel: "advisory" as const },
    { ...stackPolicy(NAMESPACE_RULE, settings), enforcementLevel: "mandatory" as const },
  ],
});
