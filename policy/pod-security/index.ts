/**
 * The `pod-security` CrossGuard pack: Pod Security Standards with the admission controller's version rules.
 * Thin wiring only (rules.ts through policy/common); see README.md for why every policy is a stack policy.
 */
import { PolicyPack } from "@pulumi/policy";
import { stackPolicy } from "../common/wiring";
import { ADVISORY_RULE, CHECK_RULES } from "./rules";

const settings = { packDir: __dirname };

new PolicyPack("pod-security", {
  policies: [
    ...CHECK_RULES.map((rule) => ({ ...stackPolicy(rule, settings), enforcementLevel: "mandatory" as const })),
    { ...stackPolicy(ADVISORY_RULE, settings), enforcementLevel: "advisory" as const },
  ],
});
