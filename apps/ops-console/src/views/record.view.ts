import type { DecodedValue, DlqRecord } from '@opal/platform-dlq';
import { html, type SafeHtml } from './html';
import { timeText } from './layout.view';

const headerText = (value: unknown): string => {
  if (value === undefined || value === null) return '';
  if (Array.isArray(value)) return value.map(headerText).join(', ');
  return Buffer.isBuffer(value) ? value.toString('utf8') : String(value);
};

/** Every header of a record, by name: headers are ids and failure facts, never payload. */
export function headersTable(record: DlqRecord): SafeHtml {
  const rows = Object.entries(record.headers)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, value]) => html`<tr><th><code>${name}</code></th><td><code>${headerText(value)}</code></td></tr>`);
  return html`<table class="headers"><tbody>${rows.length ? rows : html`<tr><td class="muted">no headers</td></tr>`}</tbody></table>`;
}

/**
 * The record's value through the registry. Its fields are shown only when CONSOLE_SHOW_PAYLOADS
 * is on (they may hold personal data); otherwise only whether it decoded, with which schema.
 */
export function valueBlock(decoded: DecodedValue, showPayloads: boolean, bytes: number): SafeHtml {
  switch (decoded.kind) {
    case 'empty':
      return html`<p class="muted">no value (tombstone or empty)</p>`;
    case 'decoded':
      return showPayloads
        ? html`<p>Decoded with schema id <strong>${decoded.schemaId}</strong>:</p><pre>${JSON.stringify(decoded.value, null, 2)}</pre>`
        : html`<p>Decoded with schema id <strong>${decoded.schemaId}</strong> (${bytes} bytes). <span class="muted">Payload fields hidden: set CONSOLE_SHOW_PAYLOADS=true to show them.</span></p>`;
    case 'undecodable':
      return html`<p class="bad">Not decodable (${decoded.errorClass}): ${decoded.message}</p>`;
    case 'registry-error':
      return html`<p class="warn">The registry could not be asked (${decoded.errorClass}): ${decoded.message}</p>`;
    default: {
      const unknown: never = decoded;
      throw new TypeError(`unknown decoded value ${JSON.stringify(unknown)}`);
    }
  }
}

export const recordTitle = (record: DlqRecord): string => `${record.topic}:${record.partition}:${record.offset}`;

export const recordMeta = (record: DlqRecord, key: string | null): SafeHtml =>
  html`<p>partition <strong>${record.partition}</strong> · offset <strong>${record.offset}</strong> · ${timeText(record.timestamp)} · key <code>${key ?? '(none)'}</code></p>`;
