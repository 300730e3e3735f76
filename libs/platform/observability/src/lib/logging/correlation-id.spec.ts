import { pino } from 'pino';
import { Store, storage } from 'nestjs-pino/storage';
import {
  correlationIdOf,
  correlationLogFields,
  currentCorrelationId,
  isValidCorrelationId,
  requestCorrelationId,
  requestLogFields,
  resolveCorrelationId,
} from './correlation-id';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('correlation ids', () => {
  describe(isValidCorrelationId.name, () => {
    it.each(['abc-123', 'x', 'a'.repeat(128), 'req_01HZX:7/9=~!'])('should accept %s', (value) => {
      expect(isValidCorrelationId(value)).toBe(true);
    });

    it.each([
      ['empty', ''],
      ['129 characters', 'a'.repeat(129)],
      ['a space', 'abc 123'],
      ['a line break', 'abc\n{"level":"fatal"}'],
      ['a control character', 'abc\u0007'],
      ['non-ASCII', 'abc-é'],
      ['an array', ['abc', 'def']],
      ['a number', 123],
      ['undefined', undefined],
    ])('should reject %s', (_case, value) => {
      expect(isValidCorrelationId(value)).toBe(false);
    });
  });

  describe(resolveCorrelationId.name, () => {
    it('should keep a valid header', () => {
      expect(resolveCorrelationId('abc-123')).toBe('abc-123');
    });

    it('should generate a UUID for a missing or invalid header', () => {
      expect(resolveCorrelationId(undefined)).toMatch(UUID);
      expect(resolveCorrelationId('bad id')).toMatch(UUID);
      expect(resolveCorrelationId(['a', 'b'])).toMatch(UUID);
    });
  });

  describe(correlationIdOf.name, () => {
    it('should read the id the middleware set on the Node message of a Fastify request', () => {
      const request = { id: 'req-1', raw: { id: 'abc-123', headers: { 'x-correlation-id': 'other' } } };

      expect(correlationIdOf(request)).toBe('abc-123');
    });

    it('should read the id of a Node message', () => {
      expect(correlationIdOf({ id: 'abc-123', headers: {} })).toBe('abc-123');
    });

    it('should fall back to a valid header, and to nothing for an invalid one', () => {
      expect(correlationIdOf({ raw: { headers: { 'x-correlation-id': 'from-header' } } })).toBe('from-header');
      expect(correlationIdOf({ raw: { headers: { 'x-correlation-id': 'bad id' } } })).toBeUndefined();
    });
  });

  describe(requestCorrelationId.name, () => {
    it('should return the id decided at the edge, never a new one', () => {
      const request = { id: 'req-1', raw: { id: 'abc-123', headers: {} } };

      expect(requestCorrelationId(request)).toBe('abc-123');
      expect(requestCorrelationId(request)).toBe('abc-123');
    });

    it('should throw when the observability middleware did not run', () => {
      expect(() => requestCorrelationId({ raw: { headers: {} } })).toThrow(/ObservabilityModule/);
    });
  });

  describe(currentCorrelationId.name, () => {
    it('should read the id bound to the request-scoped logger', () => {
      const logger = pino({ enabled: false }).child({ correlation_id: 'abc-123' }).child({ event_id: 'e-1' });

      expect(storage.run(new Store(logger), () => currentCorrelationId())).toBe('abc-123');
    });

    it('should be undefined outside a request', () => {
      expect(currentCorrelationId()).toBeUndefined();
    });
  });

  describe(correlationLogFields.name, () => {
    const inContextOf = <T>(id: string, work: () => T): T => storage.run(new Store(pino({ enabled: false }).child({ correlation_id: id })), work);

    it('should name the request where no context carries its id', () => {
      expect(correlationLogFields('abc-123')).toEqual({ correlation_id: 'abc-123' });
    });

    it("should add nothing inside the request's own context, whose logger writes the id already", () => {
      expect(inContextOf('abc-123', () => correlationLogFields('abc-123'))).toEqual({});
    });

    it("should name the request inside another request's context", () => {
      expect(inContextOf('other-1', () => correlationLogFields('abc-123'))).toEqual({ correlation_id: 'abc-123' });
    });
  });

  describe(requestLogFields.name, () => {
    it("should name a request by the id the edge decided, and add nothing for one that has none", () => {
      expect(requestLogFields({ raw: { id: 'abc-123', headers: {} } })).toEqual({ correlation_id: 'abc-123' });
      expect(requestLogFields({ raw: { headers: {} } })).toEqual({});
    });
  });
});
