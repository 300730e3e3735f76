/** The command line is wrong: exit 2, with the usage. */
export class DlqUsageError extends Error {
  override readonly name = 'DlqUsageError';
}
