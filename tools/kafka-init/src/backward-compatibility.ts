import { Type, types, type Schema } from 'avsc';

export type CompatibilityVerdict = { compatible: true } | { compatible: false; reason: string };

/**
 * BACKWARD by Avro's own resolution rules, the ones a registry applies too, without needing a
 * registry that knows the old version: the new schema, as reader, must resolve data written with
 * the old one. Each schema is parsed on its own, as libs/contracts parses its `.avsc` files.
 */
export function checkBackwardCompatibility(newSchema: Schema, oldSchema: Schema): CompatibilityVerdict {
  const reader = parse(newSchema, 'the new schema');
  const writer = parse(oldSchema, 'the old schema');
  const reason = incompatibility(reader, writer, '');
  return reason === undefined ? { compatible: true } : { compatible: false, reason };
}

function parse(schema: Schema, which: string): Type {
  try {
    return Type.forSchema(schema);
  } catch (error) {
    throw new Error(`${which} is not a valid Avro schema: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/**
 * avsc's message names the field for a missing default but only the types for a changed type,
 * so a failing record is searched field by field for the innermost field that fails.
 */
function incompatibility(reader: Type, writer: Type, path: string): string | undefined {
  try {
    reader.createResolver(writer);
    return undefined;
  } catch (error) {
    if (reader instanceof types.RecordType && writer instanceof types.RecordType) {
      for (const field of reader.fields) {
        const written = [field.name, ...field.aliases].map((name) => writer.field(name)).find(Boolean);
        const inner = written && incompatibility(field.type, written.type, path ? `${path}.${field.name}` : field.name);
        if (inner) return inner;
      }
    }
    const message = error instanceof Error ? error.message : String(error);
    return path ? `field ${path}: ${message}` : message;
  }
}
