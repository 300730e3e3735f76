import type { GroupView } from '../kafka/consumer-groups.service';
import { html, type SafeHtml } from './html';
import { problemPanel } from './layout.view';
import type { Outcome } from './overview.view';

function groupBlock(group: GroupView): SafeHtml {
  const members = group.members.length
    ? html`<table class="members"><thead><tr><th>client</th><th>host</th><th>partitions</th></tr></thead><tbody>
${group.members.map((member) => html`<tr><td><code>${member.clientId}</code></td><td>${member.host}</td><td>${member.partitions.join(', ') || '(none)'}</td></tr>`)}
</tbody></table>`
    : html`<p class="muted">no members</p>`;
  const partitions = group.partitions.length
    ? html`<table class="lag"><thead><tr><th>topic</th><th class="num">partition</th><th class="num">committed</th><th class="num">end</th><th class="num">lag</th><th>owner</th></tr></thead><tbody>
${group.partitions.map(
  (row) => html`<tr data-partition="${row.topic}:${row.partition}"><td><code>${row.topic}</code></td><td class="num">${row.partition}</td><td class="num" data-committed>${row.committed ?? '-'}</td><td class="num">${row.end}</td><td class="num ${row.lag > 0 ? 'warn' : ''}" data-lag>${row.lag}</td><td>${row.owner ?? '-'}</td></tr>`,
)}
</tbody></table>`
    : html`<p class="muted">no committed offsets</p>`;
  return html`<article class="group" data-group="${group.groupId}">
<h2><code>${group.groupId}</code> <span class="muted">${group.state} · ${group.members.length} member(s) · total lag</span> <span data-total-lag>${group.totalLag}</span></h2>
${members}${partitions}
</article>`;
}

/** The live part of the groups page, reloaded by htmx. */
export function groupsSection(groups: Outcome<GroupView[]>, at: Date): SafeHtml {
  if (!groups.ok) return problemPanel('Kafka', groups.reason);
  const [known, others] = [groups.value.filter((group) => group.known), groups.value.filter((group) => !group.known)];
  return html`<p class="muted">as of ${at.toISOString()}</p>
${known.map(groupBlock)}
${others.length ? html`<h2>Other groups</h2>${others.map(groupBlock)}` : ''}`;
}
