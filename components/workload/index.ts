export * from "./HaService";
export * from "./haServiceSpec";
export * from "./haServiceValidation";
export * from "./names";
