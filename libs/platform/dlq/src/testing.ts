export { sampleDeadLetter } from './lib/testing/dead-letter.fixture';
