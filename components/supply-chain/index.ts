export * from "./registry";
export * from "./admission";
export * from "./ImageRegistry";
export * from "./ImageVerification";
