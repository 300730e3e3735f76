/** The request was understood but cannot be carried out (unknown topic, no such record, refused replay…). */
export class DlqError extends Error {
  override readonly name: string = 'DlqError';
}

/**
 * Kafka could not be reached, refused or timed out while carrying out a request that was fine: the
 * CLI treats it like any `DlqError` (exit 1, one line); the console answers 503 rather than 400.
 */
export class DlqKafkaError extends DlqError {
  override readonly name: string = 'DlqKafkaError';
}
