import { CONSUMER_GROUPS } from '@opal/contracts';
import { describeConsumerAppLifecycle } from '@opal/platform-runtime/testing';

const brokers = (process.env['KAFKA_BROKERS'] ?? '127.0.0.1:9092').split(',');

describeConsumerAppLifecycle('diagnostics-worker', CONSUMER_GROUPS.diagnostics, brokers);
