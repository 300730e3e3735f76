import { Inject, Injectable } from '@nestjs/common';
import type { OpsConsoleConfig } from '../config/ops-console.env';
import { ConsoleInputError, fetchFailureReason } from '../console.errors';
import { OPS_CONSOLE_CONFIG } from '../ops-console.constants';

/** The diagnostics worker's answers, as far as the console reads them (ARCHITECTURE.md §4). */
export interface WorkflowDiagnostics {
  workflowId: string;
  clientName: string | null;
  workflowName: string | null;
  status: string;
  startedAt: number | null;
  completedAt: number | null;
  estimatedDurationMs: number | null;
  totalDurationMs: number | null;
  agents: { events: number; completed: number; failed: number };
  lastDecision: { decisionId: string; overallConfidence: number; at: number } | null;
  health: string;
  degradedReasons: string[];
}

export interface DiagnosticsSummary {
  totalEventsProcessed: number;
  duplicatesSkipped: number;
  eventsByType: Record<string, number>;
  workflowsByHealth: Record<string, number>;
  agents: Array<{ agentId: string; count: number; successRate: number; p50ProcessingTimeMs: number | null; p95ProcessingTimeMs: number | null }>;
}

export interface WorkflowList {
  workflows: WorkflowDiagnostics[];
  total: number;
  degraded: number;
}

export const DIAGNOSTICS_APP = 'diagnostics-worker';
const TIMEOUT_MS = 5_000;

/** Reads the diagnostics worker's query API: it owns the workflow data, the console only shows it. */
@Injectable()
export class DiagnosticsClient {
  constructor(@Inject(OPS_CONSOLE_CONFIG) private readonly config: OpsConsoleConfig) {}

  summary(): Promise<DiagnosticsSummary> {
    return this.get<DiagnosticsSummary>('/v1/diagnostics/summary');
  }

  workflows(limit: number): Promise<WorkflowList> {
    return this.get<WorkflowList>(`/v1/diagnostics/workflows?limit=${limit}`);
  }

  /** Null for a workflow the worker does not know. */
  async workflow(workflowId: string): Promise<WorkflowDiagnostics | null> {
    return this.get<WorkflowDiagnostics>(`/v1/diagnostics/workflows/${encodeURIComponent(workflowId)}`, true);
  }

  private async get<T>(path: string, notFoundAsNull = false): Promise<T> {
    const base = this.config.console.apps.get(DIAGNOSTICS_APP);
    if (!base) throw new Error(`CONSOLE_APPS has no ${DIAGNOSTICS_APP} entry`);
    let response: Response;
    try {
      response = await fetch(`${base}${path}`, { signal: AbortSignal.timeout(TIMEOUT_MS) });
    } catch (error) {
      throw new Error(`${DIAGNOSTICS_APP} at ${base} did not answer (${fetchFailureReason(error)})`);
    }
    if (response.status === 404 && notFoundAsNull) return null as T;
    const body = (await response.json().catch(() => null)) as (T & { detail?: string }) | null;
    if (response.status === 400) throw new ConsoleInputError(body?.detail ?? `${DIAGNOSTICS_APP} refused ${path}`);
    if (!response.ok || body === null) throw new Error(`${DIAGNOSTICS_APP} answered ${path} with HTTP ${response.status}`);
    return body;
  }
}
