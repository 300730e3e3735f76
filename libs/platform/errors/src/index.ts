export type { Dependency } from './lib/dependency';
export type { OpalErrorTraits } from './lib/error.traits';
export { FAILURE_ERROR_CODES } from './lib/failure.error-codes';
export type { FailureErrorCode } from './lib/failure.error-codes';
export { failureTraitsOf } from './lib/failure-traits.reader';
