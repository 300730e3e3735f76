/** One field-level problem in a problem+json `errors` array. */
export interface ProblemFieldError {
  path: string;
  message: string;
}

export interface ProblemOptions {
  detail?: string;
  errors?: ProblemFieldError[];
  /** Extra response headers, e.g. `Retry-After`. */
  headers?: Record<string, string>;
}

/**
 * An HTTP failure described as RFC 9457 problem details. `code` is a stable kebab-case string
 * (it becomes the `type` URI `/problems/<code>`); `title` is the same for every occurrence.
 */
export class ProblemException extends Error {
  override readonly name = 'ProblemException';

  constructor(
    readonly status: number,
    readonly code: string,
    readonly title: string,
    readonly options: ProblemOptions = {},
  ) {
    super(options.detail ?? title);
  }
}
