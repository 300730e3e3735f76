import { Controller, Get, Header, Req, UseFilters } from '@nestjs/common';
import type { HealthCheckResult } from '@nestjs/terminus';
import type { FastifyRequest } from 'fastify';
import { ReadinessChecker } from '@opal/platform-health';
import { SchemaRegistryClient } from '@opal/platform-schema-registry';
import { AppStatusService } from '../apps/app-status.service';
import { ClusterOverviewService } from '../kafka/cluster-overview.service';
import { html } from '../views/html';
import { liveSection } from '../views/layout.view';
import { clusterSection, dependenciesSection, subjectsSection, type DependencyStatus } from '../views/overview.view';
import { ConsolePageFilter } from './console-page.filter';
import { PageRenderer, attempt } from './page.renderer';

const HTML = 'text/html; charset=utf-8';
const OVERVIEW_REFRESH_SECONDS = 5;

/** The overview: brokers, topics, schema subjects, the console's dependencies and the apps' readiness. */
@UseFilters(ConsolePageFilter)
@Controller()
export class OverviewHttpController {
  constructor(
    private readonly pages: PageRenderer,
    private readonly cluster: ClusterOverviewService,
    private readonly registry: SchemaRegistryClient,
    private readonly readiness: ReadinessChecker,
    private readonly apps: AppStatusService,
  ) {}

  @Get()
  @Header('content-type', HTML)
  async page(@Req() request: FastifyRequest): Promise<string> {
    const live = await this.live();
    const subjects = subjectsSection(await attempt(() => this.registry.describeSubjects()));
    return this.pages.page(request, 'Overview', '/', html`${liveSection('overview-live', '/fragments/overview', OVERVIEW_REFRESH_SECONDS, live)}${subjects}`);
  }

  @Get('fragments/overview')
  @Header('content-type', HTML)
  async fragment(): Promise<string> {
    return (await this.live()).text;
  }

  private async live() {
    const [cluster, report, apps] = await Promise.all([attempt(() => this.cluster.cluster()), this.readiness.check(), this.apps.statuses()]);
    return html`${dependenciesSection(dependenciesOf(report.body), apps)}${clusterSection(cluster)}`;
  }
}

/** The console's readiness report as one line per dependency. */
function dependenciesOf(body: HealthCheckResult): DependencyStatus[] {
  return Object.entries(body.details ?? {}).map(([name, detail]) => ({
    name,
    up: detail.status === 'up',
    detail: detail.status === 'up' ? 'reachable' : String(detail['message'] ?? 'down'),
  }));
}
