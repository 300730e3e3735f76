import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { TOPIC_CATALOGUE } from '@opal/contracts';
import { readWorkingTreeSchemas } from './event-schemas';

const workspaceRoot = path.resolve(__dirname, '../../..');

describe(readWorkingTreeSchemas.name, () => {
  it("should read every catalogue subject's .avsc from the checkout, with its path from the root", () => {
    const files = readWorkingTreeSchemas(workspaceRoot);

    expect(files.map((file) => file.subject)).toEqual(TOPIC_CATALOGUE.map((entry) => entry.subject));
    expect(files[0]?.path).toBe(`libs/contracts/src/schemas/${TOPIC_CATALOGUE[0]?.eventType}.avsc`);
    expect(JSON.parse(files[0]?.definition.schema ?? '')).toMatchObject({ type: 'record' });
  });

  it('should say to run from the workspace root when the schemas are not there', () => {
    const empty = mkdtempSync(path.join(tmpdir(), 'no-schemas-'));
    try {
      expect(() => readWorkingTreeSchemas(empty)).toThrow(
        /not found under .*: run check-schemas from the workspace root/,
      );
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });
});
