import { parseDlqArgs, parsePartitionOffset, parseRecordLocation } from './dlq.args';
import { DlqUsageError } from './dlq.errors';

const usageError = (argv: string[]) => {
  try {
    parseDlqArgs(argv);
  } catch (error) {
    if (error instanceof DlqUsageError) return error.message;
    throw error;
  }
  throw new Error(`expected a usage error for ${argv.join(' ')}`);
};

describe(parseDlqArgs.name, () => {
  it('should answer help with no command, help, --help or -h', () => {
    for (const argv of [[], ['help'], ['--help'], ['-h'], ['list', '--help']])
      expect(parseDlqArgs(argv)).toEqual({ kind: 'help' });
  });

  it('should reject an unknown command', () => {
    expect(usageError(['purge'])).toBe('unknown command "purge": expected list, show or replay');
  });

  describe('list', () => {
    it('should default to every DLQ, no filter, no limit, a table', () => {
      expect(parseDlqArgs(['list'])).toEqual({ kind: 'list', json: false });
    });

    it('should read --flag value and --flag=value alike', () => {
      const expected = {
        kind: 'list',
        topic: 'opal.workflow.started',
        group: 'opal-diagnostics',
        limit: 5,
        json: true,
      };
      expect(
        parseDlqArgs([
          'list',
          '--topic',
          'opal.workflow.started',
          '--group',
          'opal-diagnostics',
          '--limit',
          '5',
          '--json',
        ]),
      ).toEqual(expected);
      expect(
        parseDlqArgs(['list', '--topic=opal.workflow.started', '--group=opal-diagnostics', '--limit=5', '--json=true']),
      ).toEqual(expected);
    });

    it('should take --json=false as off', () => {
      expect(parseDlqArgs(['list', '--json=false'])).toEqual({ kind: 'list', json: false });
    });

    it('should reject a limit that is not a positive integer', () => {
      expect(usageError(['list', '--limit', '0'])).toBe('--limit must be a positive integer, got "0"');
      expect(usageError(['list', '--limit=ten'])).toBe('--limit must be a positive integer, got "ten"');
    });

    it('should reject a value flag without its value', () => {
      expect(usageError(['list', '--topic'])).toBe('--topic needs a value');
      expect(usageError(['list', '--topic', '--json'])).toBe('--topic needs a value');
    });

    it('should reject options of other commands and stray arguments', () => {
      expect(usageError(['list', '--all'])).toBe('unknown option --all for list');
      expect(usageError(['list', 'opal.workflow.started'])).toBe(
        'unexpected argument "opal.workflow.started" for list',
      );
      expect(usageError(['list', '--json=yes'])).toBe('--json takes no value');
    });
  });

  describe('show', () => {
    it('should parse the record selector', () => {
      expect(parseDlqArgs(['show', 'opal.workflow.started.dlq:2:17'])).toEqual({
        kind: 'show',
        location: { topic: 'opal.workflow.started.dlq', partition: 2, offset: '17' },
        json: false,
      });
    });

    it('should need exactly one selector', () => {
      expect(usageError(['show'])).toBe('show needs a record: <dlqTopic>:<partition>:<offset>');
      expect(usageError(['show', 'a.dlq:0:1', 'b.dlq:0:1'])).toBe('unexpected argument "b.dlq:0:1" for show');
    });
  });

  describe('replay', () => {
    const base = ['replay', '--topic', 'opal.agent.completed.dlq', '--group', 'opal-recommendations'];

    it('should parse an offset list, across repeated flags, without duplicates', () => {
      expect(parseDlqArgs([...base, '--offset', '0:5,1:7', '--offset=0:05', '--dry-run'])).toEqual({
        kind: 'replay',
        topic: 'opal.agent.completed.dlq',
        selection: {
          kind: 'offsets',
          positions: [
            { partition: 0, offset: '5' },
            { partition: 1, offset: '7' },
          ],
        },
        group: 'opal-recommendations',
        dryRun: true,
        force: false,
      });
    });

    it('should parse --all with --force', () => {
      expect(parseDlqArgs([...base, '--all', '--force'])).toMatchObject({
        selection: { kind: 'all' },
        dryRun: false,
        force: true,
      });
    });

    it('should need exactly one of --offset and --all', () => {
      const message = 'replay needs exactly one of --offset <p:o>[,<p:o>…] and --all';
      expect(usageError(base)).toBe(message);
      expect(usageError([...base, '--all', '--offset', '0:1'])).toBe(message);
    });

    it('should need --topic and --group', () => {
      expect(usageError(['replay', '--all', '--group', 'opal-diagnostics'])).toBe('replay needs --topic <dlqTopic>');
      expect(usageError(['replay', '--all', '--topic', 'x.dlq'])).toBe(
        'replay needs --group <group> (one of opal-diagnostics, opal-recommendations)',
      );
    });

    it('should refuse a group no worker consumes in, since every worker would skip the replay', () => {
      expect(usageError(['replay', '--all', '--topic', 'x.dlq', '--group', 'opal-diagnostic'])).toBe(
        'unknown consumer group "opal-diagnostic": expected one of opal-diagnostics, opal-recommendations',
      );
    });

    it('should reject a malformed offset selector', () => {
      expect(usageError([...base, '--offset', '0:5,'])).toBe(
        'bad record selector "": expected <partition>:<offset>, e.g. 0:17',
      );
      expect(usageError([...base, '--offset', '5'])).toBe(
        'bad record selector "5": expected <partition>:<offset>, e.g. 0:17',
      );
    });
  });
});

describe(parsePartitionOffset.name, () => {
  it('should keep offsets beyond 2^53 exact and drop leading zeros', () => {
    expect(parsePartitionOffset('3:009007199254740993')).toEqual({ partition: 3, offset: '9007199254740993' });
  });

  it('should reject negative numbers', () => {
    expect(() => parsePartitionOffset('0:-1')).toThrow(DlqUsageError);
  });
});

describe(parseRecordLocation.name, () => {
  it('should split on the last two colons', () => {
    expect(parseRecordLocation('opal.decision.generated.dlq:11:0')).toEqual({
      topic: 'opal.decision.generated.dlq',
      partition: 11,
      offset: '0',
    });
  });

  it('should reject selectors without a numeric partition and offset', () => {
    for (const text of ['opal.x.dlq', 'opal.x.dlq:1', 'opal.x.dlq:a:1', ':1:2', 'opal.x.dlq:1:']) {
      expect(() => parseRecordLocation(text)).toThrow(DlqUsageError);
    }
  });
});
