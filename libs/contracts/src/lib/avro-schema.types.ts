/**
 * The JSON shape of the Avro schemas in `src/schemas/*.avsc`, as far as OPAL uses Avro.
 * Structurally compatible with the `Schema` accepted by `avsc`'s `Type.forSchema`.
 */
export type AvroPrimitiveType = 'null' | 'boolean' | 'int' | 'long' | 'float' | 'double' | 'bytes' | 'string';

/** A JSON value, as allowed in a field's `default`. */
export type AvroJsonValue = null | boolean | number | string | AvroJsonValue[] | { [key: string]: AvroJsonValue };

export interface AvroRecordSchema {
  type: 'record';
  name: string;
  namespace?: string;
  doc?: string;
  fields: AvroFieldSchema[];
}

export interface AvroFieldSchema {
  name: string;
  type: AvroSchema;
  doc?: string;
  default?: AvroJsonValue;
}

export interface AvroEnumSchema {
  type: 'enum';
  name: string;
  namespace?: string;
  doc?: string;
  symbols: string[];
  default?: string;
}

export interface AvroArraySchema {
  type: 'array';
  items: AvroSchema;
}

export interface AvroMapSchema {
  type: 'map';
  values: AvroSchema;
}

/** A primitive annotated with a logical type, e.g. `{ type: 'long', logicalType: 'timestamp-millis' }`. */
export interface AvroLogicalSchema {
  type: AvroPrimitiveType;
  logicalType: string;
}

/** Any schema but a union: a primitive or named-type reference (a string), or a complex type. */
export type AvroNonUnionSchema =
  | string
  | AvroRecordSchema
  | AvroEnumSchema
  | AvroArraySchema
  | AvroMapSchema
  | AvroLogicalSchema;

/** A schema; an array is a union, whose branches cannot be unions themselves. */
export type AvroSchema = AvroNonUnionSchema | AvroNonUnionSchema[];
