export * from "./GlobalTraffic";
