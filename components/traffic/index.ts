export * from "./GlobalTraffic";
export * from "./RegionalIngress";
