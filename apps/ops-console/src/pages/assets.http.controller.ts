import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Controller, Get, Header, HttpCode } from '@nestjs/common';
import { CONSOLE_CSS } from '../assets/console.css';

// Resolved from the running bundle, so it finds htmx in the repo's node_modules and in an image's alike.
const HTMX = readFileSync(createRequire(__filename).resolve('htmx.org/dist/htmx.min.js'), 'utf8');
const CACHE = 'public, max-age=3600';

/** The pages' only assets: their stylesheet and htmx, served from npm's copy, never a CDN. */
@Controller()
export class AssetsHttpController {
  @Get('assets/htmx.min.js')
  @Header('content-type', 'text/javascript; charset=utf-8')
  @Header('cache-control', CACHE)
  htmx(): string {
    return HTMX;
  }

  @Get('assets/console.css')
  @Header('content-type', 'text/css; charset=utf-8')
  @Header('cache-control', CACHE)
  css(): string {
    return CONSOLE_CSS;
  }

  /** Browsers ask for it on every site; an empty answer beats a 404 in every page's console. */
  @Get('favicon.ico')
  @HttpCode(204)
  @Header('cache-control', CACHE)
  favicon(): void {
    return undefined;
  }
}
