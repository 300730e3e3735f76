import { Controller, Get, Param, Query } from '@nestjs/common';
import { WORKFLOW_ID_PATTERN, WORKFLOW_LIST_LIMIT } from './diagnostics.constants';
import { diagnosticsProblems } from './diagnostics.problems';
import { DiagnosticsService } from './diagnostics.service';
import type { DiagnosticsSummary, WorkflowDiagnostics, WorkflowDiagnosticsList } from './diagnostics.types';

/** The diagnostics query API (ARCHITECTURE.md §4); errors leave as problem+json through the app's filter. */
@Controller('v1/diagnostics')
export class DiagnosticsHttpController {
  constructor(private readonly diagnostics: DiagnosticsService) {}

  @Get('summary')
  summary(): Promise<DiagnosticsSummary> {
    return this.diagnostics.summary();
  }

  @Get('workflows')
  async listWorkflows(@Query('limit') limit?: string | string[]): Promise<WorkflowDiagnosticsList> {
    return this.diagnostics.listWorkflows(listLimit(limit));
  }

  @Get('workflows/:workflowId')
  async getWorkflow(@Param('workflowId') workflowId: string): Promise<WorkflowDiagnostics> {
    if (!WORKFLOW_ID_PATTERN.test(workflowId)) throw diagnosticsProblems.invalidWorkflowId();
    const workflow = await this.diagnostics.findWorkflow(workflowId);
    if (!workflow) throw diagnosticsProblems.workflowNotFound();
    return workflow;
  }
}

/** The `limit` query parameter: absent means the default; anything but one decimal integer in range is a 400. */
function listLimit(value: string | string[] | undefined): number {
  if (value === undefined) return WORKFLOW_LIST_LIMIT.default;
  const limit = typeof value === 'string' && /^[0-9]+$/.test(value) ? Number(value) : Number.NaN;
  if (!(limit >= WORKFLOW_LIST_LIMIT.min && limit <= WORKFLOW_LIST_LIMIT.max)) throw diagnosticsProblems.invalidLimit();
  return limit;
}
