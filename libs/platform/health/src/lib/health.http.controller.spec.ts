import { Test } from '@nestjs/testing';
import { HealthModule } from '../index';
import { HealthHttpController } from './health.http.controller';

describe(HealthHttpController.name, () => {
  describe('live', () => {
    it('should report the process as up with its pid', async () => {
      const moduleRef = await Test.createTestingModule({ imports: [HealthModule] }).compile();
      const reply = { status: jest.fn() };
      const result = await moduleRef.get(HealthHttpController).live(reply);

      expect(reply.status).toHaveBeenCalledWith(200);
      expect(result.status).toBe('ok');
      expect(result.info?.['process']).toMatchObject({ status: 'up', pid: process.pid });
      await moduleRef.close();
    });

    it('should answer 503 naming a liveness indicator that is down, and keep the process check', async () => {
      const stalled = { key: 'consumer_progress', check: async () => ({ consumer_progress: { status: 'down' as const, message: 'consumer stalled' } }) };
      const moduleRef = await Test.createTestingModule({ imports: [HealthModule.forRoot({ liveness: [stalled] })] }).compile();
      const reply = { status: jest.fn() };
      const result = await moduleRef.get(HealthHttpController).live(reply);

      expect(reply.status).toHaveBeenCalledWith(503);
      expect(result.status).toBe('error');
      expect(result.error).toEqual({ consumer_progress: { status: 'down', message: 'consumer stalled' } });
      expect(result.info?.['process']).toMatchObject({ status: 'up' });
      await moduleRef.close();
    });

    it('should stay 200 with a liveness indicator that is up', async () => {
      const fine = { key: 'consumer_progress', check: async () => ({ consumer_progress: { status: 'up' as const } }) };
      const moduleRef = await Test.createTestingModule({ imports: [HealthModule.forRoot({ liveness: [fine] })] }).compile();
      const reply = { status: jest.fn() };

      const result = await moduleRef.get(HealthHttpController).live(reply);

      expect(reply.status).toHaveBeenCalledWith(200);
      expect(Object.keys(result.info ?? {})).toEqual(['process', 'consumer_progress']);
      await moduleRef.close();
    });
  });
});
