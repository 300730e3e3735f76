import { DIAGNOSTICS_KEY_PREFIX } from '@opal/contracts';

/** Resolved options of `DiagnosticsModule.forRoot` (defaults applied). */
export const DIAGNOSTICS_OPTIONS = 'DIAGNOSTICS:OPTIONS';

/** The contracts own the prefix, so the worker's Redis ACL (the access plan) grants these very keys. */
export const DEFAULT_DIAGNOSTICS_KEY_PREFIX = DIAGNOSTICS_KEY_PREFIX;

/** Timing samples kept per agent for p50/p95: the most recent ones, so percentiles follow current behaviour. */
export const DEFAULT_MAX_SAMPLES_PER_AGENT = 1000;

/**
 * How long diagnostics remembers an event (its applied marker) and a workflow after its last event.
 * 7 days: longer than the default idempotency TTL (1 day) and as long as production topic
 * retention, so any redelivery, and a replay within the week (dead letters are kept 14 days),
 * still finds the event's applied marker and changes nothing.
 */
export const DEFAULT_RETENTION_SECONDS = 7 * 24 * 60 * 60;

/** `detected_by` of every alert this worker raises. */
export const DETECTED_BY = 'diagnostics-worker';

/**
 * What `GET /v1/diagnostics/workflows/:workflowId` accepts; anything else is a 400 before Redis is
 * asked. At most 100 characters, Fastify's `maxParamLength`: a longer id never reaches the route.
 */
export const WORKFLOW_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,99}$/;

/** How many workflows `GET /v1/diagnostics/workflows` lists: `limit`, an integer in [min, max], else the default. */
export const WORKFLOW_LIST_LIMIT = { default: 50, min: 1, max: 200 } as const;

/**
 * How long an alert guard stays claimed by the event publishing it; longer than a produce with
 * retries takes. A redelivery of that event re-claims it at once; if the event never comes back
 * (dead-lettered), the guard frees itself and a later event of the workflow raises the alert.
 */
export const DEFAULT_ALERT_LEASE_MS = 60_000;
