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
export * from "./components/delivery";
export * from "./components/mesh";
export * from "./components/monitoring";
export * from "./components/network";
export * from "./components/resilience";
export * from "./components/security";
export * from "./components/supply-chain";
export * from "./components/traffic";
export * from "./components/workload";

// Same name, different contract (signature or unit), so `export *` leaves these ambiguous (TS2308) and the root keeps
// the variant it has always exported. The other variant stays importable from its area:
// - `irsaTrustPolicy` / `serviceTrustPolicy`: cluster's return JSON strings; security's return documents (several
//   IRSA subjects; `aws:SourceAccount`-pinned service trust).
export { irsaTrustPolicy, serviceTrustPolicy } from "./components/cluster";
export { parseCpu } from "./components/workload";
