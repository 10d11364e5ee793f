/** Deployment environment; prod turns on the stricter rules and the safer defaults in every component. */
export const Environments = ["dev", "staging", "prod"] as const;
export type Environment = (typeof Environments)[number];
