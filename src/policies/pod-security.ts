/**
 * The Pod Security Standards engine of the `pod-security` pack: levels and versions, per-check evaluation of a pod,
 * namespace label resolution and the stack-level findings, as pure functions.
 */
export * from "../../policy/pod-security/api";
export * from "../../policy/pod-security/evaluate";
export * from "../../policy/pod-security/namespaces";
export * from "../../policy/pod-security/podspec";
export * from "../../policy/pod-security/registry";
export * from "../../policy/pod-security/stack";
export { CHECKS, CHECKS_BY_ID } from "../../policy/pod-security/checks";
