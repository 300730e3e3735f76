import type { HttpAdapterHost } from '@nestjs/core';
import { FastifyCorrelationHook } from './fastify-correlation.hook';

const hostOf = (type: string, instance: unknown) =>
  ({ httpAdapter: { getType: () => type, getInstance: () => instance } }) as unknown as HttpAdapterHost;

describe(FastifyCorrelationHook.name, () => {
  describe('onModuleInit', () => {
    it('should make the correlation id Fastify\'s request id and echo it', () => {
      const fastify = { setGenReqId: jest.fn(), addHook: jest.fn() };
      new FastifyCorrelationHook(hostOf('fastify', fastify)).onModuleInit();
      const genReqId = fastify.setGenReqId.mock.calls[0]?.[0] as (req: { headers: Record<string, string> }) => string;
      const [hookName, hook] = fastify.addHook.mock.calls[0] as [string, (req: unknown, reply: unknown, done: () => void) => void];
      const reply = { header: jest.fn() };
      const done = jest.fn();
      hook({ id: 'abc-123' }, reply, done);

      expect(genReqId({ headers: { 'x-correlation-id': 'abc-123' } })).toBe('abc-123');
      expect(genReqId({ headers: { 'x-correlation-id': 'bad id' } })).toHaveLength(36);
      expect(hookName).toBe('onRequest');
      expect(reply.header).toHaveBeenCalledWith('x-correlation-id', 'abc-123');
      expect(done).toHaveBeenCalled();
    });

    it('should leave other adapters and contexts without HTTP alone', () => {
      const express = { setGenReqId: jest.fn(), addHook: jest.fn() };

      expect(() => new FastifyCorrelationHook(hostOf('express', express)).onModuleInit()).not.toThrow();
      expect(() => new FastifyCorrelationHook({} as HttpAdapterHost).onModuleInit()).not.toThrow();
      expect(express.setGenReqId).not.toHaveBeenCalled();
    });
  });
});
