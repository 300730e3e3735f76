export { DeadLetters } from './lib/dead-letters.service';
export type {
  DeadLetterListing,
  DeadLetterQuery,
  DeadLettersDeps,
  PreparedReplay,
  ReplayRequest,
  ShownDeadLetter,
} from './lib/dead-letters.service';
export { connectDeadLetters } from './lib/dead-letters.session';
export type { DeadLetterSession, DeadLetterSessionOptions } from './lib/dead-letters.session';
export { DlqError, DlqKafkaError } from './lib/dlq.errors';
export { listRowOf } from './lib/dlq.list-row';
export type { DlqListRow, TopicCount } from './lib/dlq.list-row';
export { DlqReader } from './lib/dlq.reader';
export type { DlqReaderOptions, PartitionRange, PartitionWatermarks } from './lib/dlq.reader';
export { compareLocations, locationText } from './lib/dlq.record';
export type { DlqRecord, PartitionOffset, RecordLocation } from './lib/dlq.record';
export { DlqReplayer, eventIdOf, planReplay, replayMessageOf, targetPartitions } from './lib/dlq.replayer';
export type {
  ReplayedRecord,
  ReplayItem,
  ReplayMessage,
  ReplayOptions,
  ReplayPlan,
  ReplaySelection,
} from './lib/dlq.replayer';
export { KAFKA_TIMEOUTS, connectAdmin, createKafka, kafkaReason, throwawayGroupId } from './lib/kafka.session';
export { decodeValue } from './lib/value.decoder';
export type { DecodedValue } from './lib/value.decoder';
