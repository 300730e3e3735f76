/** DI token of the validated config object. */
export const OPS_CONSOLE_CONFIG = 'OPS_CONSOLE:CONFIG';
/** DI token of the console's Redis connection (its readiness and the overview's Redis line). */
export const OPS_CONSOLE_REDIS = 'OPS_CONSOLE:REDIS';
/** Records/s on the overview: over the last minute. */
export const RATE_WINDOW_MS = 60_000;
/** The workflows page's chart: the last five minutes. */
export const CHART_WINDOW_MS = 5 * 60_000;
/** Records a messages page shows by default, and at most. */
export const MESSAGES_DEFAULT_LIMIT = 20;
export const MESSAGES_MAX_LIMIT = 200;
/** Live sections reload this often. */
export const LIVE_REFRESH_SECONDS = 2;
