import { kafkaReason, throwawayGroupId } from './kafka.session';

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
