import { readHeaderText } from '@opal/contracts';
import type { MessagesQuery, MessagesResult } from '../kafka/messages.service';
import { MESSAGES_DEFAULT_LIMIT, MESSAGES_MAX_LIMIT } from '../ops-console.constants';
import { html, type SafeHtml } from './html';
import { headersTable, recordMeta, recordTitle, valueBlock } from './record.view';

export function messagesForm(topics: readonly string[], query: Partial<MessagesQuery>): SafeHtml {
  return html`<form class="filters" method="get" action="/messages">
<label>topic <select name="topic" required>
<option value="">choose…</option>
${topics.map((topic) => html`<option value="${topic}" ${topic === query.topic ? html`selected` : ''}>${topic}</option>`)}
</select></label>
<label>partition <input name="partition" size="4" placeholder="all" value="${query.partition ?? ''}"></label>
<label>latest <input name="limit" size="4" value="${query.limit ?? MESSAGES_DEFAULT_LIMIT}" title="1-${MESSAGES_MAX_LIMIT}"></label>
<label>find event_id, correlation_id or key <input name="find" size="40" value="${query.find ?? ''}"></label>
<button type="submit">Show</button>
</form>`;
}

export function messagesList(result: MessagesResult, showPayloads: boolean): SafeHtml {
  const { query, messages, scanned } = result;
  const what = query.find
    ? html`${messages.length} record(s) matching <code>${query.find}</code> among the last ${scanned} read`
    : html`the latest ${messages.length} record(s)`;
  return html`<p id="messages-summary">${what} of <code>${query.topic}</code>${query.partition === undefined ? ` (${result.partitions} partitions)` : ` partition ${query.partition}`}, newest first.</p>
${messages.map(
  (message) => html`<article class="message" data-location="${recordTitle(message.record)}" data-event-id="${readHeaderText(message.record.headers, 'event_id') ?? ''}">
<h2><code>${recordTitle(message.record)}</code>${message.matchedBy ? html` <span class="badge">matched ${message.matchedBy}</span>` : ''}</h2>
${recordMeta(message.record, message.key)}
${headersTable(message.record)}
${valueBlock(message.decoded, showPayloads, message.record.value?.length ?? 0)}
</article>`,
)}`;
}
