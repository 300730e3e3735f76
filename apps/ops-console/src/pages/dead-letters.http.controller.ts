import { Body, Controller, Get, Header, Param, Post, Query, Req, Res, UseFilters } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { CONSUMER_GROUPS, DLQ_HEADERS, readHeaderText } from '@opal/contracts';
import { AdminAccess } from '../auth/admin-access';
import { ConsoleInputError } from '../console.errors';
import { DeadLettersService } from '../dead-letters/dead-letters.service';
import { parseReplayRequest } from '../dead-letters/replay-request';
import {
  deadLetterDetail,
  deadLettersFilters,
  deadLettersTable,
  replayConfirmation,
  replayResult,
  replayStatusTable,
} from '../views/dead-letters.view';
import { html, query } from '../views/html';
import { problemPanel } from '../views/layout.view';
import { ConsolePageFilter } from './console-page.filter';
import { PageRenderer, attempt } from './page.renderer';

const HTML = 'text/html; charset=utf-8';
const GROUPS: readonly string[] = Object.values(CONSUMER_GROUPS);

const optionalGroup = (group: string | undefined) => {
  if (!group) return undefined;
  if (!GROUPS.includes(group)) throw new ConsoleInputError(`group must be one of ${GROUPS.join(', ')} (got "${group}")`);
  return group;
};

/** Dead letters: the DLQ tool's list and show, and replay to one group behind a confirmation. */
@UseFilters(ConsolePageFilter)
@Controller('dead-letters')
export class DeadLettersHttpController {
  constructor(
    private readonly pages: PageRenderer,
    private readonly deadLetters: DeadLettersService,
    private readonly access: AdminAccess,
  ) {}

  @Get()
  @Header('content-type', HTML)
  async list(@Req() request: FastifyRequest, @Query('topic') topic?: string, @Query('group') group?: string): Promise<string> {
    const selected = { topic: topic || undefined, group: optionalGroup(group) };
    const topics = await attempt(() => this.deadLetters.dlqTopics());
    if (!topics.ok) return this.pages.page(request, 'Dead letters', '/dead-letters', problemPanel('Kafka', topics.reason));
    const listing = await this.deadLetters.list(selected);
    const body = html`${deadLettersFilters(topics.value, selected)}${deadLettersTable(listing, this.pages.viewer(request), selected)}`;
    return this.pages.page(request, 'Dead letters', '/dead-letters', body);
  }

  @Get('replay')
  @Header('content-type', HTML)
  async confirm(@Req() request: FastifyRequest, @Query() raw: Record<string, string | undefined>): Promise<string> {
    const replay = parseReplayRequest(raw);
    const prepared = await this.deadLetters.prepare(replay);
    const viewer = this.pages.viewer(request);
    const body = replayConfirmation(replay, prepared, viewer, this.access.csrfToken(request));
    return this.pages.page(request, 'Replay dead letters', '/dead-letters', body);
  }

  /** Post/Redirect/Get: reloading the result page shows the progress again, it never replays again. */
  @Post('replay')
  async replay(@Req() request: FastifyRequest, @Res() reply: FastifyReply, @Body() form: Record<string, string | undefined>): Promise<void> {
    this.access.assertMayWrite(request, form?.['csrf']);
    const replay = parseReplayRequest(form ?? {});
    const replayed = await this.deadLetters.replay(replay);
    await reply.redirect(`/dead-letters/replayed${query({ group: replay.group, at: locations(replayed).join(',') })}`, 303);
  }

  @Get('replayed')
  @Header('content-type', HTML)
  async replayed(@Req() request: FastifyRequest, @Query('group') group?: string, @Query('at') at?: string): Promise<string> {
    const target = optionalGroup(group);
    if (!target) throw new ConsoleInputError('group is required');
    const replayed = (at ?? '').split(',').filter(Boolean);
    const statuses = replayStatusTable(target, await this.deadLetters.progress(target, replayed));
    return this.pages.page(request, 'Replay dead letters', '/dead-letters', replayResult(target, replayed, statuses));
  }

  @Get('replay-status')
  @Header('content-type', HTML)
  async replayStatus(@Query('group') group?: string, @Query('at') at?: string): Promise<string> {
    const target = optionalGroup(group);
    if (!target) throw new ConsoleInputError('group is required');
    const progress = await this.deadLetters.progress(target, (at ?? '').split(',').filter(Boolean));
    return replayStatusTable(target, progress).text;
  }

  @Get(':topic/:partition/:offset')
  @Header('content-type', HTML)
  async show(
    @Req() request: FastifyRequest,
    @Param('topic') topic: string,
    @Param('partition') partition: string,
    @Param('offset') offset: string,
  ): Promise<string> {
    if (!/^\d+$/.test(partition) || !/^\d+$/.test(offset)) throw new ConsoleInputError('partition and offset must be whole numbers');
    const shown = await this.deadLetters.show({ topic, partition: Number(partition), offset: BigInt(offset).toString() });
    const group = readHeaderText(shown.record.headers, DLQ_HEADERS.consumerGroup) ?? null;
    const body = deadLetterDetail(shown, this.pages.viewer(request), group && GROUPS.includes(group) ? group : null);
    return this.pages.page(request, `Dead letter ${topic}:${partition}:${offset}`, '/dead-letters', body);
  }
}

const locations = (replayed: ReadonlyArray<{ item: { message: { topic: string } }; partition: number; offset: string }>) =>
  replayed.map((entry) => `${entry.item.message.topic}:${entry.partition}:${entry.offset}`);
