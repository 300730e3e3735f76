import type { SchemaRegistry } from '@kafkajs/confluent-schema-registry';
import { Type, type types } from 'avsc';
import type { PayloadFieldError } from './schema-registry.types';

/** A parsed schema as the codec holds it: an avsc `Type` (Avro) or the codec's Protobuf wrapper. */
export type CodecSchema = Awaited<ReturnType<SchemaRegistry['getSchema']>>;

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;
const MAX_SHOWN_STRING = 60;

/**
 * Every reason `payload` does not match `schema`, with a dotted field path
 * (`agent_data.recommendations[1]`) and what was expected: `expected double | null, got "high"`.
 * Avro reports every offending field, missing required ones included; Protobuf reports the first
 * one protobufjs `verify` finds. An empty list means the payload encodes.
 */
export function validatePayload(schema: CodecSchema | Type, payload: unknown): PayloadFieldError[] {
  return Type.isType(schema) ? validateAvro(schema as Type, payload) : validateWithVerifier(schema, payload);
}

function validateAvro(type: Type, payload: unknown): PayloadFieldError[] {
  const errors: PayloadFieldError[] = [];
  type.isValid(payload, {
    errorHook: (path: string[], value: unknown, invalidType: Type) => {
      errors.push({ path: formatPath(path), message: describeMismatch(invalidType, value) });
    },
  });
  return errors;
}

/** The codec's Protobuf schema hands protobufjs' single `verify` message over as the "path". */
function validateWithVerifier(schema: CodecSchema | Type, payload: unknown): PayloadFieldError[] {
  const errors: PayloadFieldError[] = [];
  schema.isValid(payload as object, {
    errorHook: (path: string[]) => {
      errors.push(fromVerifierMessage(path.join('.')));
    },
  });
  return errors;
}

function fromVerifierMessage(text: string): PayloadFieldError {
  const separator = text.indexOf(': ');
  const [path, problem] = separator < 0 ? ['', text] : [text.slice(0, separator), text.slice(separator + 2)];
  const expected = /^(.*) expected$/.exec(problem);
  return { path, message: expected ? `expected ${expected[1]}` : problem };
}

function formatPath(segments: readonly string[]): string {
  return segments.reduce((path, segment) => {
    if (/^\d+$/.test(segment)) {
      return `${path}[${segment}]`;
    }
    if (IDENTIFIER.test(segment)) {
      return path ? `${path}.${segment}` : segment;
    }
    return `${path}[${JSON.stringify(segment)}]`;
  }, '');
}

function describeMismatch(type: Type, value: unknown): string {
  return value === undefined
    ? `required field missing, expected ${describeType(type)}`
    : `expected ${describeType(type)}, got ${describeValue(value)}`;
}

function describeType(type: Type): string {
  const name = shortName(type.name);
  switch (type.typeName) {
    case 'record':
    case 'error':
      return `record ${name}`;
    case 'enum':
      return `enum ${name} (${(type as types.EnumType).symbols.join(' | ')})`;
    case 'fixed':
      return `fixed ${name} (${(type as types.FixedType).size} bytes)`;
    case 'array':
      return `array<${describeType((type as types.ArrayType).itemsType)}>`;
    case 'map':
      return `map<${describeType((type as types.MapType).valuesType as Type)}>`;
    case 'union:unwrapped':
    case 'union:wrapped': {
      const branches = (type as types.UnwrappedUnionType).types;
      const ordered = [
        ...branches.filter((b) => b.typeName !== 'null'),
        ...branches.filter((b) => b.typeName === 'null'),
      ];
      return ordered.map(describeType).join(' | ');
    }
    default:
      return type.typeName.startsWith('logical:')
        ? `${describeType((type as types.LogicalType).underlyingType)} (${type.typeName.slice('logical:'.length)})`
        : type.typeName;
  }
}

const shortName = (fullName: string | undefined) => (fullName ?? '').split('.').pop() ?? '';

function describeValue(value: unknown): string {
  if (value === null) {
    return 'null';
  }
  if (Buffer.isBuffer(value)) {
    return 'bytes';
  }
  if (Array.isArray(value)) {
    return 'an array';
  }
  if (typeof value === 'string') {
    const shown = JSON.stringify(value);
    return shown.length > MAX_SHOWN_STRING ? `${shown.slice(0, MAX_SHOWN_STRING)}…"` : shown;
  }
  if (typeof value === 'number' || typeof value === 'boolean') {
    return String(value);
  }
  if (typeof value === 'bigint') {
    return `${value}n`;
  }
  return typeof value === 'object' ? 'an object' : typeof value;
}
