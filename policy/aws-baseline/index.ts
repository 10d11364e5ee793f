/** AWS baseline pack (CIS AWS Foundations v3.0 + FSBP resilience controls): wiring only, rules live in ./rules. */
// First: the SDK root loads only if used (policy/common/defer-sdk-root.ts).
import "../common/defer-sdk-root";
// Then: each request's properties deserialised once, not once per policy (policy/common/deserialise-once.ts).
import "../common/deserialise-once";
import { PolicyPack } from "@pulumi/policy";
import { policiesFor } from "../common/wiring";
import { RULES } from "./rules";

new PolicyPack("aws-baseline", {
  description: "CIS AWS Foundations v3.0 controls checkable from code, plus AWS FSBP encryption and resilience controls.",
  enforcementLevel: "advisory",
  policies: policiesFor(RULES, { packDir: __dirname }),
});
