import { Controller, Get, Header, Inject, Query, Req, UseFilters } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import type { OpsConsoleConfig } from '../config/ops-console.env';
import { MessagesService, parseMessagesQuery } from '../kafka/messages.service';
import { OPS_CONSOLE_CONFIG } from '../ops-console.constants';
import { html } from '../views/html';
import { problemPanel } from '../views/layout.view';
import { messagesForm, messagesList } from '../views/messages.view';
import { ConsolePageFilter } from './console-page.filter';
import { PageRenderer, attempt } from './page.renderer';

/** The latest records of a topic (or one partition), or those with an event_id / correlation_id / key. */
@UseFilters(ConsolePageFilter)
@Controller()
export class MessagesHttpController {
  constructor(
    private readonly pages: PageRenderer,
    private readonly messages: MessagesService,
    @Inject(OPS_CONSOLE_CONFIG) private readonly config: OpsConsoleConfig,
  ) {}

  @Get('messages')
  @Header('content-type', 'text/html; charset=utf-8')
  async page(@Req() request: FastifyRequest, @Query() raw: Record<string, string | undefined>): Promise<string> {
    const query = parseMessagesQuery(raw);
    const topics = await attempt(() => this.messages.topics());
    if (!topics.ok) return this.pages.page(request, 'Messages', '/messages', problemPanel('Kafka', topics.reason));
    const form = messagesForm(topics.value, query ?? {});
    if (!query) return this.pages.page(request, 'Messages', '/messages', html`${form}<p class="muted">Choose a topic.</p>`);
    const result = await this.messages.read(query);
    return this.pages.page(request, 'Messages', '/messages', html`${form}${messagesList(result, this.config.console.showPayloads)}`);
  }
}
