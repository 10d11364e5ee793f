/**
 * production-platform: Pulumi components for a production-ready, multi-region AWS EKS platform.
 *
 * The root entry re-exports every component area (`components/<area>/index.ts`). The test kit is
 * `production-platform/testing`, the policy rule functions are `production-platform/policies`, and the policy packs
 * ship as TypeScript sources under `policy/` for `pulumi preview --policy-pack`.
 *
 * @packageDocumentation
 */
export * from "./components/cluster";
export * from "./components/data";
export * from "./components/monitoring";
export * from "./components/network";
export * from "./components/security";
export * from "./components/traffic";
export * from "./components/workload";

// Several areas export a helper under the same name; `export *` would leave the name ambiguous (TS2308), so the root
// names one of them explicitly. Area-specific variants remain reachable through their component classes.
export { Environment, Environments } from "./components/shared/environment";
export { irsaTrustPolicy, serviceTrustPolicy } from "./components/cluster";
export { LOG_RETENTION_DAYS } from "./components/network";
export { IrsaRoleArgs, irsaRole } from "./components/security";
export { parseCpu, ZONE_KEY } from "./components/workload";
