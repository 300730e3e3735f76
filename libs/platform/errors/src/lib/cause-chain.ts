/** What an error may carry, read without trusting its class: kafkajs, ioredis and Node errors alike. */
export interface ErrorLink {
  name?: unknown;
  type?: unknown;
  code?: unknown;
  message?: unknown;
  cause?: unknown;
}

/** The error and its `cause` chain (kafkajs wraps the socket's error in its own). */
export function* causeChain(error: unknown): Generator<ErrorLink> {
  let current: unknown = error;
  for (let depth = 0; depth < 8 && typeof current === 'object' && current !== null; depth++) {
    const link = current as ErrorLink;
    yield link;
    if (link.cause === current) return;
    current = link.cause;
  }
}

/** A field's text, or '' when it is not a string. */
export const textOf = (value: unknown): string => (typeof value === 'string' ? value : '');
