import { Test } from '@nestjs/testing';
import { HealthModule } from '../index';
import { HealthHttpController } from './health.http.controller';

describe(HealthHttpController.name, () => {
  describe('live', () => {
    it('should report the process as up with its pid', async () => {
      const moduleRef = await Test.createTestingModule({ imports: [HealthModule] }).compile();
      const result = await moduleRef.get(HealthHttpController).live();

      expect(result.status).toBe('ok');
      expect(result.info?.['process']).toMatchObject({ status: 'up', pid: process.pid });
      await moduleRef.close();
    });
  });
});
