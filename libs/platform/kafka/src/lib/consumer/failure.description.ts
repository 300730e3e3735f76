/** The class name and message recorded in `x-dlq-error-*` (the message bounded: headers are not logs). */
export function describeFailure(error: unknown): { errorClass: string; message: string } {
  const errorClass = error instanceof Error ? error.constructor.name || error.name : typeof error;
  const message = error instanceof Error ? error.message : String(error);
  return { errorClass, message: message.length > 1000 ? `${message.slice(0, 997)}...` : message };
}
