import { Inject, Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { AdminAccess } from '../auth/admin-access';
import type { OpsConsoleConfig } from '../config/ops-console.env';
import { reasonOf } from '../console.errors';
import { OPS_CONSOLE_CONFIG } from '../ops-console.constants';
import type { HtmlValue } from '../views/html';
import { layout, type PagePath, type ViewerContext } from '../views/layout.view';
import type { Outcome } from '../views/overview.view';

/** Turns a data source into an outcome a page can render either way: a broken dependency is a panel, not a 500. */
export async function attempt<T>(load: () => Promise<T>): Promise<Outcome<T>> {
  try {
    return { ok: true, value: await load() };
  } catch (error) {
    return { ok: false, reason: reasonOf(error) };
  }
}

/** Wraps page bodies in the layout, with what this viewer may do. */
@Injectable()
export class PageRenderer {
  constructor(
    private readonly access: AdminAccess,
    @Inject(OPS_CONSOLE_CONFIG) private readonly config: OpsConsoleConfig,
  ) {}

  viewer(request: FastifyRequest): ViewerContext {
    return { adminEnabled: this.access.enabled, admin: this.access.isAdmin(request), showPayloads: this.config.console.showPayloads };
  }

  page(request: FastifyRequest, title: string, active: PagePath | undefined, body: HtmlValue): string {
    return layout({ title, active, viewer: this.viewer(request), body }).text;
  }
}
