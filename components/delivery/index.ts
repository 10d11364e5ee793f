export * from "./deliveryArgs";
export * from "./deliveryValidation";
export * from "./analysis";
export * from "./rolloutSpec";
export * from "./RolloutsController";
