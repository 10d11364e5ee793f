/** Deployment environment; prod turns on the stricter rules and the safer defaults in every component. */
export const Environments = ["dev", "staging", "prod"] as const;
export type Environment = (typeof Environments)[number];

/**
 * Secrets Manager name prefix of an environment's platform secrets: the data tier names its secrets under it and the
 * External Secrets controller may read exactly it (one definition, so the two cannot drift apart).
 */
export function platformSecretPrefix(environment: string): string {
  return `platform/${environment}/`;
}
