import { valueBlock } from './record.view';

describe('valueBlock', () => {
  const decoded = { kind: 'decoded' as const, schemaId: 3, value: { user_id: 'user-secret-42' } };

  it('should name the schema but hide every payload field unless payloads are shown', () => {
    const hidden = valueBlock(decoded, false, 120).text;

    expect(hidden).toContain('schema id <strong>3</strong>');
    expect(hidden).toContain('Payload fields hidden');
    expect(hidden).not.toContain('user-secret-42');
    expect(valueBlock(decoded, true, 120).text).toContain('user-secret-42');
  });

  it('should say why a value is not decodable', () => {
    expect(valueBlock({ kind: 'undecodable', errorClass: 'UnknownSchemaError', message: 'schema 9 <unknown>' }, false, 4).text).toContain(
      'Not decodable (UnknownSchemaError): schema 9 &lt;unknown&gt;',
    );
  });
});
