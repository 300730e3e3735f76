import { ProblemException } from '@opal/platform-runtime';
import { DiagnosticsHttpController } from './diagnostics.http.controller';
import type { DiagnosticsService } from './diagnostics.service';

describe(DiagnosticsHttpController.name, () => {
  const service = { summary: jest.fn(), findWorkflow: jest.fn() };
  const controller = new DiagnosticsHttpController(service as unknown as DiagnosticsService);

  beforeEach(() => jest.resetAllMocks());

  describe('getWorkflow', () => {
    it('should accept an id of 100 characters', async () => {
      service.findWorkflow.mockResolvedValue({ workflowId: 'x'.repeat(100) });

      await expect(controller.getWorkflow('x'.repeat(100))).resolves.toEqual({ workflowId: 'x'.repeat(100) });
    });

    it('should return the workflow the service found', async () => {
      const found = { workflowId: 'wf-1', health: 'healthy' };
      service.findWorkflow.mockResolvedValue(found);

      await expect(controller.getWorkflow('wf-1')).resolves.toBe(found);
      expect(service.findWorkflow).toHaveBeenCalledWith('wf-1');
    });

    it('should answer 404 workflow-not-found for an unknown workflow', async () => {
      service.findWorkflow.mockResolvedValue(null);

      await expect(controller.getWorkflow('wf-unknown')).rejects.toMatchObject({
        status: 404,
        code: 'workflow-not-found',
      });
    });

    it.each(['-starts-with-dash', 'has space', 'x'.repeat(101), 'semi;colon', 'ünïcode'])(
      'should answer 400 invalid-workflow-id for %j without asking Redis',
      async (workflowId) => {
        const rejection = controller.getWorkflow(workflowId);

        await expect(rejection).rejects.toBeInstanceOf(ProblemException);
        await expect(rejection).rejects.toMatchObject({ status: 400, code: 'invalid-workflow-id' });
        expect(service.findWorkflow).not.toHaveBeenCalled();
      },
    );
  });

  describe('summary', () => {
    it('should return the service summary', async () => {
      const summary = { totalEventsProcessed: 3 };
      service.summary.mockResolvedValue(summary);

      await expect(controller.summary()).resolves.toBe(summary);
    });
  });
});
