export * from "./drills";
export * from "./guards";
export * from "./FaultInjectionDrills";
