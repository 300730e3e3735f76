export { sampleDeadLetter } from './lib/testing/dead-letter.fixture';
export { deadLetterOf, writeDeadLetter } from './lib/testing/dead-letter-of';
export type { DeadLetterFacts, PayloadEncoder } from './lib/testing/dead-letter-of';
