/** Deployment environment; prod turns on the stricter rules and the safer defaults in every component. */
import { checkOneOf, Problem, Problems } from "./validation";

export const Environments = ["dev", "staging", "prod"] as const;
export type Environment = (typeof Environments)[number];

/**
 * Secrets Manager name prefix of an environment's platform secrets: the data tier names its secrets under it and the
 * External Secrets controller may read exactly it (one definition, so the two cannot drift apart).
 */
export function platformSecretPrefix(environment: string): string {
  return `platform/${environment}/`;
}

/**
 * The `Environment` union checked at run time: JavaScript callers, `as any` and config read as a string reach
 * components too, and `"production"` must stop the component rather than quietly get non-prod defaults.
 */
export function environmentProblems(value: unknown, property = "environment"): Problem[] {
  const problems = new Problems();
  checkOneOf(problems, property, value, Environments);
  return [...problems.list];
}
