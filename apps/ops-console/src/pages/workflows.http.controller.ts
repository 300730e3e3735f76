import { Controller, Get, Header, Param, Req, UseFilters } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { DiagnosticsClient } from '../apps/diagnostics.client';
import { TopicRateSampler } from '../kafka/topic-rate.sampler';
import { WATCHED_TOPICS } from '../kafka/watched-topics';
import { CHART_WINDOW_MS, LIVE_REFRESH_SECONDS } from '../ops-console.constants';
import { html } from '../views/html';
import { liveSection, problemPanel } from '../views/layout.view';
import { rateChart } from '../views/rate-chart.view';
import { summarySection, workflowDetail, workflowsTable } from '../views/workflows.view';
import { ConsolePageFilter } from './console-page.filter';
import { PageRenderer, attempt } from './page.renderer';

const HTML = 'text/html; charset=utf-8';
const WORKFLOWS_SHOWN = 50;
const EVENT_TOPICS = WATCHED_TOPICS.filter((topic) => topic.kind === 'events');

/** Workflow diagnostics (from the diagnostics worker) and a live chart of events/s per type. */
@UseFilters(ConsolePageFilter)
@Controller()
export class WorkflowsHttpController {
  constructor(
    private readonly pages: PageRenderer,
    private readonly diagnostics: DiagnosticsClient,
    private readonly rates: TopicRateSampler,
  ) {}

  @Get('workflows')
  @Header('content-type', HTML)
  async page(@Req() request: FastifyRequest): Promise<string> {
    const [summary, list] = await Promise.all([
      attempt(() => this.diagnostics.summary()),
      attempt(() => this.diagnostics.workflows(WORKFLOWS_SHOWN)),
    ]);
    const body = html`<h2>Events/s by type (last ${CHART_WINDOW_MS / 60_000} minutes)</h2>
${liveSection('rates-live', '/fragments/rates-chart', LIVE_REFRESH_SECONDS, this.chart())}
${summarySection(summary)}
<h2>Workflows</h2>
${workflowsTable(list)}`;
    return this.pages.page(request, 'Workflows', '/workflows', body);
  }

  @Get('fragments/rates-chart')
  @Header('content-type', HTML)
  chartFragment(): string {
    return this.chart().text;
  }

  @Get('workflows/:workflowId')
  @Header('content-type', HTML)
  async workflow(@Req() request: FastifyRequest, @Param('workflowId') workflowId: string): Promise<string> {
    const found = await attempt(() => this.diagnostics.workflow(workflowId));
    const body = !found.ok
      ? problemPanel('Diagnostics', found.reason)
      : found.value === null
        ? html`<div class="problem" id="page-problem">The diagnostics worker knows no workflow ${workflowId} (never seen, or expired).</div>`
        : workflowDetail(found.value);
    return this.pages.page(request, `Workflow ${workflowId}`, '/workflows', body);
  }

  private chart() {
    const series = EVENT_TOPICS.map(({ topic, eventType }) => ({ label: eventType, points: this.rates.history.series(topic, CHART_WINDOW_MS) }));
    return rateChart(series, CHART_WINDOW_MS, this.rates.history.latest()?.at ?? Date.now());
  }
}
