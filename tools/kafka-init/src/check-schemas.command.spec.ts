import type { SubjectSchemaFile } from './event-schemas';
import type { SchemasBase } from './git-base';
import { runBaseCheck } from './check-schemas.command';

const probe = (fields: object[]) =>
  JSON.stringify({ type: 'record', name: 'GateProbe', namespace: 'com.opal.test', fields });
const V1 = probe([{ name: 'workflow_id', type: 'string' }]);
const file = (subject: string, schema: string): SubjectSchemaFile => ({
  subject,
  path: `libs/contracts/src/schemas/${subject}.avsc`,
  definition: { schemaType: 'AVRO', schema },
});
const baseWith = (files: Record<string, string>): SchemasBase => ({
  available: true,
  label: 'git HEAD~1 (1a2b3c4)',
  read: (path) => Promise.resolve(files[path]),
});

describe(runBaseCheck.name, () => {
  it('should report each subject against its file at the base: compatible, INCOMPATIBLE with the reason, or new', async () => {
    const base = baseWith({ 'libs/contracts/src/schemas/a.avsc': V1, 'libs/contracts/src/schemas/b.avsc': V1 });

    const rows = await runBaseCheck(base, [
      file(
        'a',
        probe([
          { name: 'workflow_id', type: 'string' },
          { name: 'note', type: ['null', 'string'], default: null },
        ]),
      ),
      file(
        'b',
        probe([
          { name: 'workflow_id', type: 'string' },
          { name: 'owner', type: 'string' },
        ]),
      ),
      file('c', V1),
    ]);

    expect(rows).toEqual([
      { subject: 'a', against: 'git HEAD~1 (1a2b3c4)', result: 'compatible', details: expect.any(String) },
      {
        subject: 'b',
        against: 'git HEAD~1 (1a2b3c4)',
        result: 'INCOMPATIBLE',
        details: expect.stringContaining('owner'),
      },
      {
        subject: 'c',
        against: 'git HEAD~1 (1a2b3c4)',
        result: 'new subject',
        details: expect.stringContaining('is not in git HEAD~1'),
      },
    ]);
  });

  it('should report every subject as not compared, with the reason, when there is no base', async () => {
    const base: SchemasBase = {
      available: false,
      label: 'git HEAD~1',
      reason: 'no commit HEAD~1 in this checkout (a shallow clone)',
    };

    const rows = await runBaseCheck(base, [file('a', V1)]);

    expect(rows).toEqual([{ subject: 'a', against: 'git HEAD~1', result: 'not compared', details: base.reason }]);
  });

  it('should throw naming the file when the base version is not valid Avro', async () => {
    await expect(
      runBaseCheck(baseWith({ 'libs/contracts/src/schemas/a.avsc': '{"type": "nope"}' }), [file('a', V1)]),
    ).rejects.toThrow(
      /^libs\/contracts\/src\/schemas\/a\.avsc \(working tree or git HEAD~1 \(1a2b3c4\)\): the old schema is not a valid Avro schema/,
    );
  });
});
