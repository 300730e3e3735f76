import type { RatePoint } from '../kafka/rate-history';
import { html, type SafeHtml } from './html';

export interface ChartSeries {
  label: string;
  points: RatePoint[];
}

const WIDTH = 900;
const HEIGHT = 220;
const PAD = { left: 48, right: 12, top: 12, bottom: 24 };
// Eight colours that stay apart for common colour-vision deficiencies (Okabe-Ito).
const COLOURS = ['#0072B2', '#E69F00', '#009E73', '#D55E00', '#CC79A7', '#56B4E9', '#F0E442', '#000000'];

/** Events/s per type over the chart window, as an SVG the page reloads: no chart library, no client code. */
export function rateChart(series: readonly ChartSeries[], windowMs: number, now: number): SafeHtml {
  const peak = Math.max(1, ...series.flatMap((entry) => entry.points.map((point) => point.perSecond)));
  const x = (at: number) => PAD.left + ((at - (now - windowMs)) / windowMs) * (WIDTH - PAD.left - PAD.right);
  const y = (rate: number) => HEIGHT - PAD.bottom - (rate / peak) * (HEIGHT - PAD.top - PAD.bottom);
  const lines = series.map((entry, index) => {
    const points = entry.points.filter((point) => point.at >= now - windowMs);
    if (points.length === 0) return '';
    const path = points.map((point) => `${x(point.at).toFixed(1)},${y(point.perSecond).toFixed(1)}`).join(' ');
    return html`<polyline data-series="${entry.label}" fill="none" stroke-width="2" stroke="${COLOURS[index % COLOURS.length]}" points="${path}"/>`;
  });
  const legend = series.map((entry, index) => {
    const last = entry.points.at(-1)?.perSecond ?? 0;
    return html`<span><svg width="12" height="12" aria-hidden="true"><rect width="12" height="12" fill="${COLOURS[index % COLOURS.length]}"/></svg> ${entry.label} <strong data-rate-of="${entry.label}">${last.toFixed(1)}</strong>/s</span>`;
  });
  return html`<div class="chart"><svg role="img" aria-label="events per second by type" viewBox="0 0 ${WIDTH} ${HEIGHT}" width="100%" preserveAspectRatio="none">
<line x1="${PAD.left}" y1="${HEIGHT - PAD.bottom}" x2="${WIDTH - PAD.right}" y2="${HEIGHT - PAD.bottom}" stroke="#999"/>
<line x1="${PAD.left}" y1="${PAD.top}" x2="${PAD.left}" y2="${HEIGHT - PAD.bottom}" stroke="#999"/>
<text x="4" y="${PAD.top + 10}" font-size="11">${peak.toFixed(peak < 10 ? 1 : 0)}/s</text>
<text x="4" y="${HEIGHT - PAD.bottom}" font-size="11">0</text>
<text x="${PAD.left}" y="${HEIGHT - 6}" font-size="11">-${Math.round(windowMs / 60_000)} min</text>
<text x="${WIDTH - PAD.right - 24}" y="${HEIGHT - 6}" font-size="11">now</text>
${lines}
</svg>
<div class="legend">${legend}</div></div>`;
}
