import { sampleDeadLetter } from '@opal/platform-dlq/testing';
import { ConsoleInputError } from '../console.errors';
import { matchOf, parseMessagesQuery } from './messages.service';

describe('parseMessagesQuery', () => {
  it('should be null without a topic, so the page only shows its form', () => {
    expect(parseMessagesQuery({})).toBeNull();
  });

  it('should default the limit and read partition and find', () => {
    expect(parseMessagesQuery({ topic: ' opal.a ', partition: '2', find: ' evt-1 ' })).toEqual({ topic: 'opal.a', partition: 2, limit: 20, find: 'evt-1' });
  });

  it.each([
    [{ topic: 't', partition: '-1' }, /partition "-1" is not a partition number/],
    [{ topic: 't', limit: '201' }, /limit "201" must be a whole number from 1 to 200/],
    [{ topic: 't', limit: 'ten' }, /limit "ten"/],
  ])('should refuse %j naming the field', (raw, reason) => {
    expect(() => parseMessagesQuery(raw)).toThrow(ConsoleInputError);
    expect(() => parseMessagesQuery(raw)).toThrow(reason);
  });
});

describe('matchOf', () => {
  const record = sampleDeadLetter({ headers: { event_id: Buffer.from('evt-9'), correlation_id: 'corr-9' }, key: Buffer.from('wf-9') });

  it('should say which id matched', () => {
    expect([matchOf(record, 'evt-9'), matchOf(record, 'corr-9'), matchOf(record, 'wf-9')]).toEqual(['event_id', 'correlation_id', 'key']);
  });

  it('should match whole ids only', () => {
    expect([matchOf(record, 'evt'), matchOf(record, 'wf-')]).toEqual([null, null]);
  });
});
