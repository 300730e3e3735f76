import type { Kafka } from 'kafkajs';
import { DlqError, DlqKafkaError } from './dlq.errors';
import { connectAdmin, kafkaReason, throwawayGroupId } from './kafka.session';

describe(throwawayGroupId.name, () => {
  it('should start with the client id and be new every time', () => {
    const first = throwawayGroupId('opal-ops-console');

    expect(first).toMatch(/^opal-ops-console-[0-9a-f-]{36}$/);
    expect(throwawayGroupId('opal-ops-console')).not.toBe(first);
  });
});

describe(kafkaReason.name, () => {
  it('should look through the retry wrapper to the cause', () => {
    const cause = new Error('connect ECONNREFUSED');
    const retries = Object.assign(new Error('Number of retries exceeded', { cause }), {
      name: 'KafkaJSNumberOfRetriesExceeded',
    });

    expect(kafkaReason(retries)).toBe('connect ECONNREFUSED');
    expect(kafkaReason(new Error('plain'))).toBe('plain');
    expect(kafkaReason('text')).toBe('text');
  });
});

describe(connectAdmin.name, () => {
  it('should fail unreachable brokers with a DlqKafkaError naming them: a DlqError to the CLI, a 503 to the console', async () => {
    const kafka = { admin: () => ({ connect: async () => Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:1')) }) } as unknown as Kafka;

    const failure = await connectAdmin(kafka, { brokers: ['127.0.0.1:1'], ssl: false }).catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(DlqKafkaError);
    expect(failure).toBeInstanceOf(DlqError);
    expect((failure as Error).message).toBe('cannot reach Kafka at 127.0.0.1:1: connect ECONNREFUSED 127.0.0.1:1');
  });
});
