import { deliveryIdProblem, DELIVERY_ID_MAX_LENGTH, parseWebhookBody } from './webhook-request';

const parse = (value: unknown) => parseWebhookBody(Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)));

describe(parseWebhookBody.name, () => {
  it('should return the event type, the timestamp in epoch ms and the data', () => {
    expect(parse({ type: 'workflow.started', timestamp: '2026-11-26T12:00:00Z', data: { workflow_id: 'wf-1' } })).toEqual({
      ok: true,
      type: 'workflow.started',
      occurredAt: Date.UTC(2026, 10, 26, 12),
      data: { workflow_id: 'wf-1' },
    });
  });

  it('should report malformed JSON as such', () => {
    expect(parse('{"type": "workflow.started", "data": {')).toMatchObject({ ok: false, kind: 'malformed-json' });
  });

  it('should name every invalid top-level field', () => {
    const result = parse({ type: 7, timestamp: 'yesterday', data: [] });
    expect(result).toMatchObject({ ok: false, kind: 'invalid-request' });
    expect(result.ok ? [] : result.errors.map((error) => error.path)).toEqual(['type', 'timestamp', 'data']);
  });

  it('should refuse an unknown event type, listing the known ones', () => {
    const result = parse({ type: 'workflow.exploded', timestamp: '2026-11-26T12:00:00Z', data: {} });
    expect(result).toMatchObject({ ok: false, kind: 'unknown-event-type', errors: [{ path: 'type', message: expect.stringContaining('agent.completed') }] });
  });

  it('should refuse envelope fields the gateway owns', () => {
    const result = parse({ type: 'workflow.started', timestamp: '2026-11-26T12:00:00Z', data: { event_id: 'forged' } });
    expect(result).toMatchObject({ ok: false, kind: 'invalid-request', errors: [{ path: 'data.event_id' }] });
  });
});

describe(deliveryIdProblem.name, () => {
  it.each([['msg_2KWPBgLlAfxdpx2AI54pPJ85f4W'], ['a'], ['x'.repeat(DELIVERY_ID_MAX_LENGTH)], ['evt:01HZX/7=~!']])('should accept %s', (id) => {
    expect(deliveryIdProblem(id)).toBeUndefined();
  });

  it('should leave a missing or empty header to the signature check', () => {
    expect(deliveryIdProblem(undefined)).toBeUndefined();
    expect(deliveryIdProblem('')).toBeUndefined();
  });

  it.each([
    ['over 255 characters', 'x'.repeat(DELIVERY_ID_MAX_LENGTH + 1)],
    ['10 KB', 'x'.repeat(10_240)],
    ['a space', 'msg 1'],
    ['a line break', 'msg\n{"level":"fatal"}'],
    ['non-ASCII', 'msg-é'],
    ['sent twice', ['msg_1', 'msg_2']],
  ])('should refuse an id %s, naming the header', (_case, id) => {
    expect(deliveryIdProblem(id)).toEqual({ path: 'headers.webhook-id', message: expect.stringContaining('1-255 visible ASCII') });
  });
});
