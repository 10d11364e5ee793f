/** One valid FaultInjectionDrills region (us-east-1, two services, Aurora writer), shared by the suites that need one. */
import type { DrillRegion } from "../../components/resilience";

export const DRILL_REGION: DrillRegion = {
  region: "us-east-1",
  clusterName: "prod-use1",
  vpcId: "vpc-1",
  zones: ["us-east-1a", "us-east-1b", "us-east-1c"],
  auroraWriter: true,
  dataTierTag: { key: "data-tier", value: "data" },
  services: [{ name: "checkout", namespace: "payments", sloObjective: 99.9 }, { name: "catalog", namespace: "storefront", sloObjective: 99.5 }],
  objectives: { rpoSeconds: 60, rtoSeconds: 300 },
};
