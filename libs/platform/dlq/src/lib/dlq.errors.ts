/** The request was understood but cannot be carried out (unknown topic, no such record, refused replay…). */
export class DlqError extends Error {
  override readonly name = 'DlqError';
}
