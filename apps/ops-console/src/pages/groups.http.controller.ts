import { Controller, Get, Header, Req, UseFilters } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { ConsumerGroupsService } from '../kafka/consumer-groups.service';
import { LIVE_REFRESH_SECONDS } from '../ops-console.constants';
import { groupsSection } from '../views/groups.view';
import { liveSection } from '../views/layout.view';
import { ConsolePageFilter } from './console-page.filter';
import { PageRenderer, attempt } from './page.renderer';

const HTML = 'text/html; charset=utf-8';

/** Consumer groups: members, assignments, committed offsets and lag, reloaded every few seconds. */
@UseFilters(ConsolePageFilter)
@Controller()
export class GroupsHttpController {
  constructor(
    private readonly pages: PageRenderer,
    private readonly groups: ConsumerGroupsService,
  ) {}

  @Get('groups')
  @Header('content-type', HTML)
  async page(@Req() request: FastifyRequest): Promise<string> {
    const live = liveSection('groups-live', '/fragments/groups', LIVE_REFRESH_SECONDS, await this.section());
    return this.pages.page(request, 'Consumer groups', '/groups', live);
  }

  @Get('fragments/groups')
  @Header('content-type', HTML)
  async fragment(): Promise<string> {
    return (await this.section()).text;
  }

  private async section() {
    return groupsSection(await attempt(() => this.groups.groups()), new Date());
  }
}
