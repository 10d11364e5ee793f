/**
 * The HaService most component suites start from: checkout in payments, called by storefront, in prod. Each suite
 * spreads it and changes what it tests (callers, exposure, delivery), so the shared part is written once.
 */
import type { HaServiceArgs } from "../../components/workload";

export const CHECKOUT: HaServiceArgs = {
  namespace: "payments",
  appName: "checkout",
  image: "ghcr.io/acme/checkout:1.4.2",
  port: 8080,
  environment: "prod",
  probes: { liveness: { httpPath: "/livez" }, readiness: { httpPath: "/readyz" } },
  allowedCallers: [{ namespace: "storefront" }],
};
