import { buildEventRecord, eventIdForDelivery } from './event-record';

const context = {
  deliveryId: 'msg_2Nq8',
  correlationId: 'corr-1',
  occurredAt: 1_795_680_000_000,
  environment: 'staging' as const,
  sourceSystem: 'opal',
};

describe(buildEventRecord.name, () => {
  it('should derive the same event id from the same delivery id, and a different one otherwise', () => {
    expect(eventIdForDelivery('msg_2Nq8')).toBe(eventIdForDelivery('msg_2Nq8'));
    expect(eventIdForDelivery('msg_2Nq8')).not.toBe(eventIdForDelivery('msg_2Nq9'));
    expect(eventIdForDelivery('msg_2Nq8')).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('should keep the event id of a delivery across versions (redeliveries after an upgrade dedupe too)', () => {
    expect(eventIdForDelivery('msg_2Nq8')).toBe('6004179b-0071-550d-a39c-f8fd7c581ab9');
  });

  it('should wrap the data in the envelope and key the record by the type\'s key field', () => {
    const record = buildEventRecord('user.preferences.updated', { user_id: 'u-7', client_name: 'acme' }, context);

    expect(record.definition.topic).toBe('opal.user.preferences.updated');
    expect(record.key).toBe('u-7');
    expect(record.payload).toMatchObject({
      schema_version: '1.0.0',
      event_id: eventIdForDelivery('msg_2Nq8'),
      correlation_id: 'corr-1',
      timestamp: 1_795_680_000_000,
      source_system: 'opal',
      environment: 'staging',
      user_id: 'u-7',
    });
  });

  it('should set the contract headers and pass a valid traceparent through', () => {
    const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    const { headers } = buildEventRecord('workflow.started', { workflow_id: 'wf-1' }, { ...context, traceparent });

    expect(headers).toEqual({
      event_type: 'workflow.started',
      event_id: eventIdForDelivery('msg_2Nq8'),
      correlation_id: 'corr-1',
      source_system: 'opal',
      schema_version: '1.0.0',
      traceparent,
    });
  });

  it('should drop a malformed traceparent instead of forwarding it', () => {
    expect(buildEventRecord('workflow.started', { workflow_id: 'wf-1' }, { ...context, traceparent: 'garbage' }).headers).not.toHaveProperty('traceparent');
  });
});

describe('buildEventRecord with an explicit event id', () => {
  const withoutDelivery = { correlationId: 'corr-1', occurredAt: 1_795_680_000_000, environment: 'staging' as const, sourceSystem: 'opal' };

  it('should use the given event id in the payload and the headers', () => {
    const record = buildEventRecord('workflow.started', { workflow_id: 'wf-1' }, { ...withoutDelivery, eventId: 'evt-given' });

    expect(record.payload['event_id']).toBe('evt-given');
    expect(record.headers['event_id']).toBe('evt-given');
  });

  it('should refuse a context with neither an event id nor a delivery id', () => {
    expect(() => buildEventRecord('workflow.started', { workflow_id: 'wf-1' }, withoutDelivery)).toThrow(TypeError);
  });
});
