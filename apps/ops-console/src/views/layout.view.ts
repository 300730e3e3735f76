import { html, type HtmlValue, type SafeHtml } from './html';

export const PAGES = [
  { path: '/', label: 'Overview' },
  { path: '/groups', label: 'Consumer groups' },
  { path: '/messages', label: 'Messages' },
  { path: '/dead-letters', label: 'Dead letters' },
  { path: '/workflows', label: 'Workflows' },
] as const;

export type PagePath = (typeof PAGES)[number]['path'];

/** What every page shows in its header: who is looking and what they may do. */
export interface ViewerContext {
  /** Replay is possible at all (CONSOLE_ADMIN_TOKEN is set). */
  adminEnabled: boolean;
  /** This browser is logged in as admin. */
  admin: boolean;
  showPayloads: boolean;
}

function accessBadge(viewer: ViewerContext): SafeHtml {
  if (!viewer.adminEnabled) return html`<span class="badge" title="set CONSOLE_ADMIN_TOKEN to allow replays">read-only</span>`;
  if (viewer.admin)
    return html`<form method="post" action="/logout" class="inline"><span class="badge ok">admin</span> <button type="submit" class="link">log out</button></form>`;
  return html`<a class="badge" href="/login">read-only · log in</a>`;
}

export function layout(options: { title: string; active?: PagePath; viewer: ViewerContext; body: HtmlValue }): SafeHtml {
  const { title, active, viewer, body } = options;
  const nav = PAGES.map(
    (page) => html`<a href="${page.path}" class="${page.path === active ? 'active' : ''}">${page.label}</a>`,
  );
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="htmx-config" content='{"includeIndicatorStyles":false,"allowEval":false,"historyCacheSize":0}'>
<title>${title} · OPAL ops console</title>
<link rel="stylesheet" href="/assets/console.css">
<script src="/assets/htmx.min.js" defer></script>
</head>
<body>
<header>
  <strong class="brand">OPAL ops console</strong>
  <nav>${nav}</nav>
  <span class="access">${accessBadge(viewer)}${viewer.showPayloads ? html` <span class="badge warn">payloads shown</span>` : ''}</span>
</header>
<main>
<h1>${title}</h1>
${body}
</main>
</body>
</html>`;
}

/** A failed data source renders as a panel on the page, never as a broken page. */
export const problemPanel = (what: string, reason: string): SafeHtml =>
  html`<div class="problem" role="alert"><strong>${what} unavailable:</strong> ${reason}</div>`;

/** A section that htmx reloads from `source` every `seconds`, so the page stays live without a reload. */
export const liveSection = (id: string, source: string, seconds: number, content: HtmlValue): SafeHtml =>
  html`<section id="${id}" hx-get="${source}" hx-trigger="every ${seconds}s" hx-swap="innerHTML">${content}</section>`;

export const timeText = (epochMs: number | string | null | undefined): string => {
  if (epochMs === null || epochMs === undefined || epochMs === '') return '-';
  const value = Number(epochMs);
  return Number.isFinite(value) ? new Date(value).toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z') : String(epochMs);
};

export const rateText = (rate: number | null): string => (rate === null ? '–' : rate < 10 ? rate.toFixed(2) : rate.toFixed(0));
