export * from "./metadata";
export * from "./finding";
export * from "./unknown";
export * from "./kubernetes";
export * from "./exemptions";
export * from "./wiring";
export * from "./score";
export * from "./stack";
