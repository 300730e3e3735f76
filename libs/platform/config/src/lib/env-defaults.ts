import type { z } from 'zod';

/** What a variable does when it is not set: its default as an operator writes it, `unset`, or `required`. */
export type EnvDefault = string;

export const UNSET = 'unset';
export const REQUIRED = 'required';

function asWritten(value: unknown): string {
  if (value instanceof Map) return [...value].map(([name, entry]) => `${String(name)}=${String(entry)}`).join(',');
  return Array.isArray(value) ? value.join(',') : String(value);
}

/**
 * Every variable of an env schema with what it means when absent, worked out by the schema itself
 * (each variable parsed from nothing), so documentation can be checked against the one source.
 */
export function envDefaults(schema: z.ZodObject): Map<string, EnvDefault> {
  const defaults = new Map<string, EnvDefault>();
  for (const [name, variable] of Object.entries(schema.shape as Record<string, z.ZodType>)) {
    const absent = variable.safeParse(undefined);
    defaults.set(name, !absent.success ? REQUIRED : absent.data === undefined ? UNSET : asWritten(absent.data));
  }
  return defaults;
}
