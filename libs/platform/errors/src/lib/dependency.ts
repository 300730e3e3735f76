/** The downstreams a consumer guards with a circuit breaker; an error names the one it found down. */
export const DEPENDENCIES = ['redis', 'schema-registry', 'kafka'] as const;

/** One of `DEPENDENCIES`. */
export type Dependency = (typeof DEPENDENCIES)[number];

/** Whether `value` names a known dependency (a trait read from another package copy may not). */
export function isDependency(value: unknown): value is Dependency {
  return (DEPENDENCIES as readonly unknown[]).includes(value);
}
