export * from "./meshPolicy";
export * from "./ServiceMesh";
