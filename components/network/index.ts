export * from "./cidr";
export * from "./Network";
export * from "./policies";
export * from "./types";
export * from "./validation";
export * from "./subnets";
