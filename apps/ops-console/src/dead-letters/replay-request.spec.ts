import { ConsoleInputError } from '../console.errors';
import { parseReplayRequest, replayFields } from './replay-request';

describe('parseReplayRequest', () => {
  it('should read selected offsets and round-trip through the form fields', () => {
    const request = parseReplayRequest({ topic: 'opal.decision.generated.dlq', group: 'opal-diagnostics', offsets: '0:07, 2:3' });

    expect(request).toEqual({
      topic: 'opal.decision.generated.dlq',
      group: 'opal-diagnostics',
      selection: { kind: 'offsets', positions: [{ partition: 0, offset: '7' }, { partition: 2, offset: '3' }] },
      force: false,
    });
    expect(parseReplayRequest(replayFields(request))).toEqual(request);
  });

  it('should read all=true as the whole DLQ of that group', () => {
    expect(parseReplayRequest({ topic: 'a.dlq', group: 'opal-recommendations', all: 'true' }).selection).toEqual({ kind: 'all' });
  });

  it.each([
    [{ topic: 'opal.decision.generated', group: 'opal-diagnostics', offsets: '0:1' }, /DLQ topic/],
    [{ topic: 'a.dlq', group: 'somebody-else', offsets: '0:1' }, /group must be one of opal-diagnostics, opal-recommendations/],
    [{ topic: 'a.dlq', group: 'opal-diagnostics', offsets: '0-1' }, /"0-1" is not <partition>:<offset>/],
    [{ topic: 'a.dlq', group: 'opal-diagnostics' }, /choose the records/],
  ])('should refuse %j with a reason', (raw, reason) => {
    expect(() => parseReplayRequest(raw)).toThrow(ConsoleInputError);
    expect(() => parseReplayRequest(raw)).toThrow(reason);
  });
});
