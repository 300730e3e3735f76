import { DLQ_HEADERS } from '@opal/contracts';
import { listRowOf } from '@opal/platform-dlq';
import { sampleDeadLetter as deadLetter } from '@opal/platform-dlq/testing';
import {
  RAW_BYTES_SHOWN,
  bytesText,
  formatCounts,
  formatListTable,
  formatShow,
  formatShowJson,
  formatTable,
  truncate,
} from './dlq.printer';

describe(truncate.name, () => {
  it('should collapse whitespace to one line and cut with an ellipsis', () => {
    expect(truncate('a\n  b\tc', 10)).toBe('a b c');
    expect(truncate('abcdefghij', 5)).toBe('abcd…');
    expect(truncate('abcde', 5)).toBe('abcde');
  });
});

describe(formatTable.name, () => {
  it('should pad every column but the last to its widest cell', () => {
    expect(
      formatTable(
        ['A', 'BB', 'C'],
        [
          ['long', 'x', 'end'],
          ['s', 'yyy', ''],
        ],
      ),
    ).toBe(['A     BB   C', 'long  x    end', 's     yyy'].join('\n'));
  });
});

describe(formatListTable.name, () => {
  it('should show the original position, group, attempts, error and time of each dead letter', () => {
    const [header, row] = formatListTable([listRowOf(deadLetter())]).split('\n');
    expect(header?.split(/\s{2,}/)).toEqual([
      'DLQ TOPIC',
      'P',
      'OFFSET',
      'ORIGINAL',
      'GROUP',
      'ATTEMPTS',
      'ERROR CLASS',
      'ERROR MESSAGE',
      'FAILED AT',
    ]);
    expect(row?.split(/\s{2,}/)).toEqual([
      'opal.workflow.started.dlq',
      '1',
      '4',
      'opal.workflow.started:1@41',
      'opal-diagnostics',
      '5',
      'TypeError',
      'cannot read properties of undefined (reading "agent_id")',
      '2025-01-01T00:00:01.000Z',
    ]);
  });

  it('should cut long error messages to one short line', () => {
    const record = deadLetter();
    const long = { ...record, headers: { ...record.headers, [DLQ_HEADERS.errorMessage]: 'x'.repeat(500) } };
    const cell = formatListTable([listRowOf(long)])
      .split('\n')[1]
      ?.split(/\s{2,}/)[7];
    expect(cell).toBe(`${'x'.repeat(59)}…`);
  });

  it('should mark a record that is not a dead letter instead of failing', () => {
    const row = formatListTable([listRowOf(deadLetter({ headers: {} }))]).split('\n')[1];
    expect(row).toMatch(/ {2}- {2}.*\(not a dead letter: x-dlq-original-topic is missing;/);
  });
});

describe(formatCounts.name, () => {
  it('should tally each topic and the total', () => {
    const counts = [
      { topic: 'opal.a.dlq', total: 3, matched: 3 },
      { topic: 'opal.bbb.dlq', total: 1, matched: 1 },
    ];
    expect(formatCounts(counts, { shown: 4 })).toBe(
      ['opal.a.dlq    3 records', 'opal.bbb.dlq  1 record', '4 records in 2 DLQ topics'].join('\n'),
    );
  });

  it('should say how many matched the group and how many --limit showed', () => {
    expect(formatCounts([{ topic: 'opal.a.dlq', total: 5, matched: 2 }], { group: 'opal-diagnostics', shown: 1 })).toBe(
      [
        'opal.a.dlq  5 records, 2 of group opal-diagnostics',
        '5 records in 1 DLQ topic, 2 of group opal-diagnostics; 1 shown (--limit)',
      ].join('\n'),
    );
  });
});

describe(bytesText.name, () => {
  it('should print UTF-8 text as is and anything else as hex', () => {
    expect(bytesText(Buffer.from('wf-é'))).toBe('wf-é');
    expect(bytesText(Buffer.from([0xff, 0xfe]))).toBe('hex:fffe');
    expect(bytesText(Buffer.from('a\u0000b'))).toBe('hex:610062');
  });
});

describe(formatShow.name, () => {
  it('should print place, key, every header and the decoded value', () => {
    const text = formatShow(deadLetter(), {
      kind: 'decoded',
      schemaId: 7,
      value: { workflow_id: 'wf-1', raw: Buffer.from('hi') },
    });

    expect(text).toContain('record     opal.workflow.started.dlq:1:4\n');
    expect(text).toContain('timestamp  1735689601000 (2025-01-01T00:00:01.000Z)\n');
    expect(text).toContain('key        wf-1\n');
    expect(text).toMatch(/\n {2}x-dlq-original-offset\s+41\n/);
    expect(text).toMatch(/\n {2}x-dlq-error-message\s+cannot read properties of undefined\n/);
    expect(text).toContain('value      6 bytes, schema id 7\n{\n  "workflow_id": "wf-1",\n  "raw": "aGk="\n}');
  });

  it('should print undecodable bytes as hex and base64 with the reason', () => {
    const text = formatShow(deadLetter({ value: Buffer.from([1, 2, 255]) }), {
      kind: 'undecodable',
      errorClass: 'UndecodableMessageError',
      message: 'magic byte is 1',
    });

    expect(text).toContain(
      'value      3 bytes, not decodable: UndecodableMessageError: magic byte is 1\nhex        0102ff\nbase64     AQL/',
    );
  });

  it('should elide raw bytes past the first few KiB', () => {
    const value = Buffer.alloc(RAW_BYTES_SHOWN + 10, 1);
    const text = formatShow(deadLetter({ value }), {
      kind: 'registry-error',
      errorClass: 'SchemaRegistryUnavailableError',
      message: 'down',
    });

    expect(text).toContain('not decoded (Schema Registry failed): SchemaRegistryUnavailableError: down');
    expect(text).toContain(`hex        ${'01'.repeat(RAW_BYTES_SHOWN)} … (10 more bytes)`);
  });

  it('should show a record without key, headers or value', () => {
    const text = formatShow(deadLetter({ key: null, value: null, headers: {} }), { kind: 'empty' });

    expect(text).toContain('key        (null)\nheaders\n  (none)\nvalue      null');
  });
});

describe(formatShowJson.name, () => {
  it('should give headers as text lists and the decoded value', () => {
    const shown = JSON.parse(formatShowJson(deadLetter(), { kind: 'decoded', schemaId: 7, value: { n: 1 } })) as Record<
      string,
      unknown
    >;

    expect(shown).toMatchObject({
      dlqTopic: 'opal.workflow.started.dlq',
      partition: 1,
      offset: '4',
      key: 'wf-1',
      valueBytes: 6,
      value: { schemaId: 7, decoded: { n: 1 } },
    });
    expect((shown['headers'] as Record<string, string[]>)[DLQ_HEADERS.attempts]).toEqual(['5']);
  });

  it('should give the raw bytes and the error of an undecodable value', () => {
    const shown = JSON.parse(
      formatShowJson(deadLetter({ value: Buffer.from([9]) }), { kind: 'undecodable', errorClass: 'E', message: 'm' }),
    ) as Record<string, unknown>;

    expect(shown['value']).toEqual({
      error: { kind: 'undecodable', class: 'E', message: 'm' },
      hex: '09',
      base64: 'CQ==',
      elided: 0,
    });
  });
});
