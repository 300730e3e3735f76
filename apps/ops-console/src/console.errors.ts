/** A request the console understood but cannot serve as asked (unknown topic, bad partition…): 400 with the reason. */
export class ConsoleInputError extends Error {
  override readonly name = 'ConsoleInputError';
}

/** Replay asked without an admin session or header, or with a bad CSRF token: 403 with the reason. */
export class ConsoleForbiddenError extends Error {
  override readonly name = 'ConsoleForbiddenError';
}

export const reasonOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/** Why a `fetch` to another app failed: undici hides the socket error (ECONNREFUSED…) in `cause`. */
export const fetchFailureReason = (error: unknown): string => (error as { cause?: { code?: string } }).cause?.code ?? reasonOf(error);
