import { ProblemException } from '@opal/platform-runtime';
import { DiagnosticsHttpController } from './diagnostics.http.controller';
import type { DiagnosticsService } from './diagnostics.service';

describe(DiagnosticsHttpController.name, () => {
  const service = { summary: jest.fn(), findWorkflow: jest.fn(), listWorkflows: jest.fn() };
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

  describe('listWorkflows', () => {
    it('should return the list the service made for the limit asked', async () => {
      const list = { workflows: [{ workflowId: 'wf-1', health: 'degraded' }], total: 3, degraded: 1 };
      service.listWorkflows.mockResolvedValue(list);

      await expect(controller.listWorkflows('10')).resolves.toBe(list);
      expect(service.listWorkflows).toHaveBeenCalledWith(10);
    });

    it('should list 50 workflows when no limit is given', async () => {
      await controller.listWorkflows(undefined);

      expect(service.listWorkflows).toHaveBeenCalledWith(50);
    });

    it.each([
      ['1', 1],
      ['200', 200],
      ['007', 7],
    ])('should accept the limit %j as %d', async (limit, expected) => {
      await controller.listWorkflows(limit);

      expect(service.listWorkflows).toHaveBeenCalledWith(expected);
    });

    it.each<string | string[]>(['0', '201', '-1', '1.5', '1e2', '', ' 5', 'ten', '9'.repeat(400), ['5', '6']])(
      'should answer 400 invalid-limit for %j without asking Redis',
      async (limit) => {
        const rejection = controller.listWorkflows(limit);

        await expect(rejection).rejects.toBeInstanceOf(ProblemException);
        await expect(rejection).rejects.toMatchObject({
          status: 400,
          code: 'invalid-limit',
          options: { errors: [{ path: 'limit', message: 'must be an integer from 1 to 200' }] },
        });
        expect(service.listWorkflows).not.toHaveBeenCalled();
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
