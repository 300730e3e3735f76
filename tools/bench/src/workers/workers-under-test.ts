import { CONSUMER_GROUPS, EVENT_TYPES, topicOf } from '@opal/contracts';
import type { WorkerUnderTest } from './drain-phase';

// The topics each worker's handlers subscribe to (its *.message.controller.ts): every one of them
// is moved to the start positions, so no old backlog is drained with the bench's records.
export const RECOMMENDATIONS_WORKER: WorkerUnderTest = {
  name: 'recommendations-worker',
  entry: 'dist/apps/recommendations-worker/main.js',
  groupId: CONSUMER_GROUPS.recommendations,
  subscribedTopics: [topicOf('decision.generated'), topicOf('user.preferences.updated')],
};

export const DIAGNOSTICS_WORKER: WorkerUnderTest = {
  name: 'diagnostics-worker',
  entry: 'dist/apps/diagnostics-worker/main.js',
  groupId: CONSUMER_GROUPS.diagnostics,
  subscribedTopics: EVENT_TYPES.map(topicOf),
};
