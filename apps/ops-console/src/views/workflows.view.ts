import type { DiagnosticsSummary, WorkflowDiagnostics, WorkflowList } from '../apps/diagnostics.client';
import { html, type SafeHtml } from './html';
import { problemPanel, timeText } from './layout.view';
import type { Outcome } from './overview.view';

const healthCell = (health: string) => html`<td class="${health === 'degraded' ? 'status-down' : 'status-up'}" data-health>${health}</td>`;

export function summarySection(summary: Outcome<DiagnosticsSummary>): SafeHtml {
  if (!summary.ok) return problemPanel('Diagnostics', summary.reason);
  const { totalEventsProcessed, duplicatesSkipped, eventsByType, workflowsByHealth, agents } = summary.value;
  const card = (label: string, value: number | undefined, id: string) =>
    html`<div class="card"><div class="muted">${label}</div><div class="value" id="${id}">${value ?? 0}</div></div>`;
  return html`<div class="cards">
${card('events processed', totalEventsProcessed, 'total-processed')}
${card('duplicates skipped', duplicatesSkipped, 'duplicates-skipped')}
${card('degraded workflows', workflowsByHealth['degraded'], 'degraded-count')}
${card('healthy workflows', workflowsByHealth['healthy'], 'healthy-count')}
</div>
<h2>Events processed by type</h2>
<table id="events-by-type"><tbody>${Object.entries(eventsByType).map(([type, count]) => html`<tr data-type="${type}"><th>${type}</th><td class="num">${count}</td></tr>`)}</tbody></table>
<h2>Agents</h2>
<table id="agents"><thead><tr><th>agent</th><th class="num">executions</th><th class="num">success rate</th><th class="num">p50 ms</th><th class="num">p95 ms</th></tr></thead><tbody>
${agents.map((agent) => html`<tr><td><code>${agent.agentId}</code></td><td class="num">${agent.count}</td><td class="num">${(agent.successRate * 100).toFixed(1)}%</td><td class="num">${agent.p50ProcessingTimeMs ?? '-'}</td><td class="num">${agent.p95ProcessingTimeMs ?? '-'}</td></tr>`)}
</tbody></table>`;
}

export function workflowsTable(list: Outcome<WorkflowList>): SafeHtml {
  if (!list.ok) return problemPanel('Workflows', list.reason);
  const { workflows, total, degraded } = list.value;
  return html`<p class="muted">${workflows.length} shown of ${total} known (${degraded} degraded), degraded first, then by latest activity.</p>
<table id="workflows"><thead><tr><th>workflow</th><th>health</th><th>status</th><th>client</th><th class="num">agent results</th><th class="num">failed</th><th>why degraded</th><th>started</th></tr></thead><tbody>
${workflows.map(
  (workflow) => html`<tr data-workflow="${workflow.workflowId}"><td><a href="/workflows/${encodeURIComponent(workflow.workflowId)}"><code>${workflow.workflowId}</code></a></td>${healthCell(workflow.health)}<td>${workflow.status}</td><td>${workflow.clientName ?? '-'}</td><td class="num">${workflow.agents.events}</td><td class="num">${workflow.agents.failed}</td><td>${workflow.degradedReasons.join('; ')}</td><td>${timeText(workflow.startedAt)}</td></tr>`,
)}
</tbody></table>`;
}

export function workflowDetail(workflow: WorkflowDiagnostics): SafeHtml {
  const rows: Array<[string, string | number | null]> = [
    ['status', workflow.status],
    ['client', workflow.clientName],
    ['workflow name', workflow.workflowName],
    ['started', timeText(workflow.startedAt)],
    ['completed', timeText(workflow.completedAt)],
    ['estimated duration (ms)', workflow.estimatedDurationMs],
    ['total duration (ms)', workflow.totalDurationMs],
    ['agent results', workflow.agents.events],
    ['agents completed', workflow.agents.completed],
    ['agents failed', workflow.agents.failed],
    ['last decision', workflow.lastDecision ? `${workflow.lastDecision.decisionId} (confidence ${workflow.lastDecision.overallConfidence})` : null],
  ];
  const reasons = workflow.degradedReasons.length
    ? html`<ul id="degraded-reasons">${workflow.degradedReasons.map((reason) => html`<li>${reason}</li>`)}</ul>`
    : html`<p id="degraded-reasons" class="muted">none</p>`;
  return html`<p>health: <strong class="${workflow.health === 'degraded' ? 'bad' : 'ok'}" id="workflow-health">${workflow.health}</strong></p>
<table id="workflow-state"><tbody>${rows.map(([label, value]) => html`<tr><th>${label}</th><td>${value ?? '-'}</td></tr>`)}</tbody></table>
<h2>Why degraded</h2>
${reasons}`;
}
