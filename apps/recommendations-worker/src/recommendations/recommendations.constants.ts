import { RECOMMENDATIONS_KEY_PREFIX } from '@opal/contracts';

/** Options of `RecommendationsModule.forRoot`, resolved (defaults applied). */
export const RECOMMENDATIONS_OPTIONS = 'RECOMMENDATIONS:OPTIONS';

/** The contracts own the prefix, so the worker's Redis ACL (the access plan) grants these very keys. */
export const DEFAULT_RECOMMENDATIONS_KEY_PREFIX = RECOMMENDATIONS_KEY_PREFIX;

/**
 * 7 days: longer than the default idempotency TTL (1 day) and as long as production topic
 * retention, so any redelivery of a decision still finds the stored set and leaves it as it is.
 */
export const DEFAULT_DECISION_TTL_SECONDS = 7 * 24 * 60 * 60;

/**
 * What `GET /v1/recommendations/:decisionId` accepts; anything else is a 400 before Redis is asked.
 * 100 is Fastify's default `maxParamLength`: a longer id never reaches the route (414 problem+json).
 */
export const DECISION_ID_PATTERN = /^[\w.:-]{1,100}$/;
