/**
 * What a message handler reports about its record: `applied` (its effect happened now) or
 * `duplicate` (its atomic apply-once step found the event already applied, so nothing changed).
 * The consumer counts the record as `processed` or `duplicate` from it; a handler that returns
 * nothing counts as `processed`. One idempotency mechanism per hop: the handler's own.
 */
export type HandlerOutcome = 'applied' | 'duplicate';

export const APPLIED: HandlerOutcome = 'applied';
export const DUPLICATE: HandlerOutcome = 'duplicate';
