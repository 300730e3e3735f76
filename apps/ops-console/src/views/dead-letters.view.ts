import { CONSUMER_GROUPS } from '@opal/contracts';
import type { DeadLetterListing, DlqListRow, PreparedReplay, ReplayRequest, ShownDeadLetter } from '@opal/platform-dlq';
import { replayFields } from '../dead-letters/replay-request';
import { html, query, type SafeHtml } from './html';
import { liveSection, timeText, type ViewerContext } from './layout.view';
import { headersTable, recordMeta, recordTitle, valueBlock } from './record.view';

const GROUPS = Object.values(CONSUMER_GROUPS);
const showLink = (row: { dlqTopic: string; partition: number; offset: string }) =>
  `/dead-letters/${encodeURIComponent(row.dlqTopic)}/${row.partition}/${row.offset}`;
const replayLink = (fields: Record<string, string>) => `/dead-letters/replay${query(fields)}`;

export function deadLettersFilters(dlqTopics: readonly string[], selected: { topic?: string; group?: string }): SafeHtml {
  return html`<form class="filters" method="get" action="/dead-letters">
<label>DLQ <select name="topic"><option value="">every DLQ</option>
${dlqTopics.map((topic) => html`<option value="${topic}" ${topic === selected.topic ? html`selected` : ''}>${topic}</option>`)}
</select></label>
<label>failed in group <select name="group"><option value="">any group</option>
${GROUPS.map((group) => html`<option value="${group}" ${group === selected.group ? html`selected` : ''}>${group}</option>`)}
</select></label>
<button type="submit">Filter</button>
</form>`;
}

function row(entry: DlqListRow, viewer: ViewerContext): SafeHtml {
  const group = entry.consumerGroup;
  const replay =
    viewer.adminEnabled && group && entry.problems.length === 0
      ? html`<a class="replay" href="${replayLink({ topic: entry.dlqTopic, group, offsets: `${entry.partition}:${entry.offset}` })}">replay to ${group}…</a>`
      : '';
  return html`<tr data-location="${entry.dlqTopic}:${entry.partition}:${entry.offset}">
<td><a href="${showLink(entry)}"><code>${entry.dlqTopic}:${entry.partition}:${entry.offset}</code></a></td>
<td><code>${entry.eventId ?? '-'}</code></td>
<td><code>${entry.originalTopic ?? '-'}:${entry.originalPartition ?? '-'}:${entry.originalOffset ?? '-'}</code></td>
<td>${group ?? '-'}</td>
<td class="num">${entry.attempts ?? '-'}</td>
<td data-error-class><code>${entry.errorClass ?? '-'}</code></td>
<td>${entry.errorMessage ?? ''}${entry.problems.length ? html`<div class="bad">not a valid dead letter: ${entry.problems.join('; ')}</div>` : ''}</td>
<td>${timeText(entry.failedAt)}</td>
<td>${entry.replayTargetGroup ?? ''}</td>
<td>${replay}</td>
</tr>`;
}

export function deadLettersTable(listing: DeadLetterListing, viewer: ViewerContext, selected: { topic?: string; group?: string }): SafeHtml {
  const counts = listing.counts.map((count) => html`<li><code>${count.topic}</code>: ${count.matched} of ${count.total}</li>`);
  const replayAll =
    viewer.adminEnabled && selected.topic && selected.group
      ? html`<p><a class="replay-all" href="${replayLink({ topic: selected.topic, group: selected.group, all: 'true' })}">replay every dead letter of ${selected.group} in ${selected.topic}…</a></p>`
      : viewer.adminEnabled
        ? html`<p class="muted">Choose one DLQ and one group to replay all of them at once.</p>`
        : html`<p class="muted">Read-only: set CONSOLE_ADMIN_TOKEN to replay dead letters.</p>`;
  return html`<ul class="counts">${counts}</ul>
${replayAll}
<table id="dead-letters"><thead><tr><th>dead letter</th><th>event_id</th><th>original</th><th>group</th><th class="num">attempts</th><th>error class</th><th>error</th><th>failed at</th><th>replayed to</th><th></th></tr></thead>
<tbody>${listing.rows.map((entry) => row(entry, viewer))}</tbody></table>
${listing.rows.length === 0 ? html`<p id="no-dead-letters">No dead letters${selected.group ? ` of ${selected.group}` : ''}.</p>` : ''}`;
}

export function deadLetterDetail(shown: ShownDeadLetter, viewer: ViewerContext, group: string | null): SafeHtml {
  const { record, decoded } = shown;
  const replay =
    viewer.adminEnabled && group
      ? html`<p><a class="replay" href="${replayLink({ topic: record.topic, group, offsets: `${record.partition}:${record.offset}` })}">replay to ${group}…</a></p>`
      : '';
  return html`${recordMeta(record, record.key?.toString('utf8') ?? null)}
${replay}
<h2>Headers</h2>
${headersTable(record)}
<h2>Value</h2>
${valueBlock(decoded, viewer.showPayloads, record.value?.length ?? 0)}`;
}

const describeItem = (item: PreparedReplay['items'][number]) =>
  html`<li><code>${recordTitle(item.source)}</code> → <code>${item.message.topic}:${item.message.partition ?? '(by key)'}</code></li>`;

/** The confirmation step: what would be replayed, and the one button that does it. */
export function replayConfirmation(request: ReplayRequest, prepared: PreparedReplay, viewer: ViewerContext, csrf: string | null): SafeHtml {
  const skipped = prepared.skipped.length ? html`<h2>Left out</h2><ul>${prepared.skipped.map((reason) => html`<li>${reason}</li>`)}</ul>` : '';
  const items = html`<p>${prepared.items.length} of ${prepared.recordsRead} record(s) read from <code>${prepared.dlqTopic}</code> would be republished to their original topic, addressed to <strong>${request.group}</strong> only (other groups skip them):</p>
<ul id="replay-plan">${prepared.items.map(describeItem)}</ul>${skipped}`;
  if (prepared.items.length === 0) return html`${items}<p>Nothing to replay.</p>`;
  if (!viewer.admin || csrf === null)
    return html`${items}<div class="notice">Log in as admin to replay: <a href="/login${query({ next: replayLink(replayFields(request)) })}">log in</a>.</div>`;
  const fields = Object.entries(replayFields(request)).map(([name, value]) => html`<input type="hidden" name="${name}" value="${value}">`);
  return html`${items}
<form method="post" action="/dead-letters/replay" id="confirm-replay">
${fields}<input type="hidden" name="csrf" value="${csrf}">
<button type="submit" class="danger">Replay ${prepared.items.length} record(s) to ${request.group}</button>
<a href="/dead-letters${query({ topic: request.topic })}">cancel</a>
</form>`;
}

export const replayStatusSource = (group: string, replayed: readonly string[]) =>
  `/dead-letters/replay-status${query({ group, at: replayed.join(',') })}`;

/** `replayed`: where each replay was written, `<topic>:<partition>:<offset>`. */
export function replayResult(group: string, replayed: readonly string[], statuses: SafeHtml): SafeHtml {
  return html`<div class="notice" id="replay-done">Replayed ${replayed.length} record(s) to ${group}; each shows as processed once ${group} has committed past it.</div>
${liveSection('replay-status', replayStatusSource(group, replayed), 2, statuses)}`;
}

export interface ReplayProgress {
  topic: string;
  partition: number;
  offset: string;
  processed: boolean;
  committed: string | null;
}

export function replayStatusTable(group: string, progress: readonly ReplayProgress[]): SafeHtml {
  return html`<table id="replay-progress"><thead><tr><th>replayed record</th><th>${group}</th></tr></thead><tbody>
${progress.map(
  (entry) => html`<tr data-replayed="${entry.topic}:${entry.partition}:${entry.offset}"><td><a href="/messages${query({ topic: entry.topic, partition: entry.partition })}"><code>${entry.topic}:${entry.partition}:${entry.offset}</code></a></td>
<td class="${entry.processed ? 'status-up' : 'warn'}" data-state="${entry.processed ? 'processed' : 'waiting'}">${entry.processed ? `processed (committed ${entry.committed})` : `waiting (committed ${entry.committed ?? 'nothing yet'})`}</td></tr>`,
)}
</tbody></table>`;
}
