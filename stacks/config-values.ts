/** Small pieces every part of the stack config parser shares: the namespace, key spelling, raw-value shapes. */

export const CONFIG_NAMESPACE = "production-platform";

/** `production-platform:<key>`: how every problem names the YAML key it is about. */
export function configKey(key: string): string {
  return `${CONFIG_NAMESPACE}:${key}`;
}

export const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/;

export function asArray(value: unknown): unknown[] | undefined {
  return Array.isArray(value) ? value : undefined;
}

export function asRecord(value: unknown): Record<string, unknown> | undefined {
  return value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

export function deepFreeze<T>(value: T): T {
  if (value && typeof value === "object") {
    Object.values(value).forEach(deepFreeze);
    Object.freeze(value);
  }
  return value;
}
