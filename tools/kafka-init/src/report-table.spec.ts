import { formatTable } from './report-table';

describe(formatTable.name, () => {
  it('should align every column to its widest cell', () => {
    const table = formatTable(['kind', 'name'], [['topic', 'opal.workflow.started'], ['subject', 'x']]);

    expect(table.split('\n')).toEqual([
      'kind     name',
      '-------  ---------------------',
      'topic    opal.workflow.started',
      'subject  x',
    ]);
  });
});
