export { TopicTap } from './lib/testing/topic-tap';
export type { TappedRecord } from './lib/testing/topic-tap';
