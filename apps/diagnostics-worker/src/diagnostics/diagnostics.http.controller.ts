import { Controller, Get, Param } from '@nestjs/common';
import { WORKFLOW_ID_PATTERN } from './diagnostics.constants';
import { diagnosticsProblems } from './diagnostics.problems';
import { DiagnosticsService } from './diagnostics.service';
import type { DiagnosticsSummary, WorkflowDiagnostics } from './diagnostics.types';

/** The diagnostics query API (ARCHITECTURE.md §4); errors leave as problem+json through the app's filter. */
@Controller('v1/diagnostics')
export class DiagnosticsHttpController {
  constructor(private readonly diagnostics: DiagnosticsService) {}

  @Get('summary')
  summary(): Promise<DiagnosticsSummary> {
    return this.diagnostics.summary();
  }

  @Get('workflows/:workflowId')
  async getWorkflow(@Param('workflowId') workflowId: string): Promise<WorkflowDiagnostics> {
    if (!WORKFLOW_ID_PATTERN.test(workflowId)) throw diagnosticsProblems.invalidWorkflowId();
    const workflow = await this.diagnostics.findWorkflow(workflowId);
    if (!workflow) throw diagnosticsProblems.workflowNotFound();
    return workflow;
  }
}
