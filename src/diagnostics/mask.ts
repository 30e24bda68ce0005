/** Keys whose values never reach a log, at any depth: passwords, secrets, tokens, credentials. */
const SECRET_KEY = /pass(word)?|secret|token|credential|authorization|assertion/i;

export const MASK = "***";

/** A copy of a JSON value with every secret-looking property's value replaced by `***`. */
export function maskSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(maskSecrets);
  if (typeof value !== "object" || value === null) return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, inner]) => [key, SECRET_KEY.test(key) ? MASK : maskSecrets(inner)]),
  );
}

/** A request or response body for a debug log: JSON is masked; anything else is only measured. */
export function maskBody(text: string): unknown {
  if (text === "") return undefined;
  try {
    return maskSecrets(JSON.parse(text));
  } catch {
    return `<${text.length} characters, not JSON>`;
  }
}
