/** The command line is wrong: exit 2, with the usage. */
export class DlqUsageError extends Error {
  override readonly name = 'DlqUsageError';
}

/** The command was understood but cannot be carried out (unknown topic, no such record, refused replay…): exit 1. */
export class DlqError extends Error {
  override readonly name = 'DlqError';
}
