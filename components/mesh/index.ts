export * from "./meshPolicy";
export * from "./traffic";
export * from "./waypoint";
export * from "./dashboard";
export * from "./ServiceMesh";
