import { parseWebhookBody } from './webhook-request';

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
