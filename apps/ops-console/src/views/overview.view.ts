import type { AppStatus } from '../apps/app-status.service';
import type { ClusterView, TopicView } from '../kafka/cluster-overview.service';
import type { SubjectDescription } from '@opal/platform-schema-registry';
import { html, query, type SafeHtml } from './html';
import { problemPanel, rateText } from './layout.view';

export type Outcome<T> = { ok: true; value: T } | { ok: false; reason: string };

export interface DependencyStatus {
  name: string;
  up: boolean;
  detail: string;
}

const stateCell = (up: boolean, word: string) => html`<td class="${up ? 'status-up' : 'status-down'}">${word}</td>`;

function topicRow(topic: TopicView): SafeHtml {
  if (!topic.exists)
    return html`<tr data-topic="${topic.topic}"><td><code>${topic.topic}</code></td><td>${topic.kind}</td><td colspan="6" class="bad">missing: run npm run kafka:init</td></tr>`;
  const underReplicated = topic.minInSync < topic.replicationFactor;
  return html`<tr data-topic="${topic.topic}">
<td><a href="/messages${query({ topic: topic.topic })}"><code>${topic.topic}</code></a></td>
<td>${topic.kind}</td>
<td class="num">${topic.partitions}</td>
<td class="num">${topic.replicationFactor}</td>
<td class="num ${underReplicated ? 'bad' : ''}">${topic.minInSync}${underReplicated ? ' (under-replicated)' : ''}</td>
<td class="num" data-end-offset>${topic.endOffset}</td>
<td class="num">${topic.retained}</td>
<td class="num" data-rate>${rateText(topic.ratePerSecond)}</td>
</tr>`;
}

export function clusterSection(cluster: Outcome<ClusterView>): SafeHtml {
  if (!cluster.ok) return problemPanel('Kafka', cluster.reason);
  const { brokers, topics, clusterId } = cluster.value;
  return html`<h2>Brokers</h2>
<p class="muted">cluster ${clusterId}</p>
<table id="brokers"><thead><tr><th>node</th><th>address</th><th>role</th></tr></thead><tbody>
${brokers.map((broker) => html`<tr><td class="num">${broker.nodeId}</td><td><code>${broker.address}</code></td><td>${broker.controller ? 'controller' : 'broker'}</td></tr>`)}
</tbody></table>
<h2>Topics</h2>
<table id="topics"><thead><tr><th>topic</th><th>holds</th><th class="num">partitions</th><th class="num">replication</th><th class="num">min in sync</th><th class="num">end offset</th><th class="num">retained</th><th class="num">records/s (1 min)</th></tr></thead>
<tbody>${topics.map(topicRow)}</tbody></table>`;
}

export function dependenciesSection(dependencies: DependencyStatus[], apps: AppStatus[]): SafeHtml {
  return html`<h2>Dependencies (the console's own readiness)</h2>
<table id="dependencies"><thead><tr><th>dependency</th><th>state</th><th>detail</th></tr></thead><tbody>
${dependencies.map((dependency) => html`<tr data-dependency="${dependency.name}"><td>${dependency.name}</td>${stateCell(dependency.up, dependency.up ? 'up' : 'down')}<td>${dependency.detail}</td></tr>`)}
</tbody></table>
<h2>Apps</h2>
<table id="apps"><thead><tr><th>app</th><th>readiness</th><th>detail</th></tr></thead><tbody>
${apps.map((app) => html`<tr data-app="${app.name}"><td><a href="${app.url}/health/ready">${app.name}</a></td>${stateCell(app.state === 'up', app.state)}<td>${app.detail}</td></tr>`)}
</tbody></table>`;
}

export function subjectsSection(subjects: Outcome<SubjectDescription[]>): SafeHtml {
  if (!subjects.ok) return html`<h2>Schema subjects</h2>${problemPanel('Schema Registry', subjects.reason)}`;
  return html`<h2>Schema subjects</h2>
<table id="subjects"><thead><tr><th>subject</th><th>versions</th><th class="num">latest schema id</th><th>compatibility</th></tr></thead><tbody>
${subjects.value.map((subject) => html`<tr data-subject="${subject.subject}"><td><code>${subject.subject}</code></td><td>${subject.versions.join(', ')}</td><td class="num">${subject.latestId ?? '-'}</td><td>${subject.compatibility}</td></tr>`)}
</tbody></table>`;
}
