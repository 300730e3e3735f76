import { SCHEMA_REGISTRY_ERROR_CODES } from './schema-registry.error-codes';
import {
  InvalidSchemaError,
  PayloadValidationError,
  SchemaIncompatibleError,
  SchemaRegistryError,
  SchemaRegistryRequestError,
  SchemaRegistryUnavailableError,
  UndecodableMessageError,
  UnknownSchemaError,
} from './schema-registry.errors';

const cause = new Error('connect ECONNREFUSED 127.0.0.1:8081');

const examples: Array<[SchemaRegistryError, string]> = [
  [new SchemaRegistryUnavailableError('down', { cause }), 'SCHEMA_REGISTRY_UNAVAILABLE'],
  [
    new SchemaRegistryRequestError('refused', { status: 401, registryMessage: 'Unauthorized' }),
    'SCHEMA_REGISTRY_REQUEST_FAILED',
  ],
  [new InvalidSchemaError('s-value', 'not JSON'), 'SCHEMA_INVALID'],
  [new SchemaIncompatibleError('s-value', 'BACKWARD', ['field a removed']), 'SCHEMA_INCOMPATIBLE'],
  [UnknownSchemaError.forId(42), 'SCHEMA_UNKNOWN'],
  [new PayloadValidationError([{ path: 'a', message: 'expected int, got "x"' }], 3), 'PAYLOAD_INVALID'],
  [new UndecodableMessageError('too short'), 'MESSAGE_UNDECODABLE'],
];

describe(SchemaRegistryError.name, () => {
  it.each(examples)('should give %s its stable code, its class name and Error ancestry', (error, code) => {
    expect(error.code).toBe(code);
    expect(error.name).toBe(error.constructor.name);
    expect(error).toBeInstanceOf(SchemaRegistryError);
    expect(error).toBeInstanceOf(Error);
  });

  it('should cover every catalogued code exactly once', () => {
    expect(examples.map(([error]) => error.code).sort()).toEqual([...SCHEMA_REGISTRY_ERROR_CODES].sort());
  });

  it('should carry the code in the JSON form, so it survives a process boundary', () => {
    expect(JSON.parse(JSON.stringify(UnknownSchemaError.forId(42)))).toMatchObject({
      code: 'SCHEMA_UNKNOWN',
      schemaId: 42,
    });
  });
});

describe(SchemaRegistryUnavailableError.name, () => {
  it('should keep the cause and the HTTP status', () => {
    const error = new SchemaRegistryUnavailableError('down', { cause, status: 503 });

    expect(error.cause).toBe(cause);
    expect(error.status).toBe(503);
  });
});

describe(SchemaIncompatibleError.name, () => {
  it('should name the subject, the level and every reason', () => {
    const error = new SchemaIncompatibleError('opal.agent.completed-value', 'BACKWARD', ['a', 'b']);

    expect(error.message).toBe(
      'Schema for subject "opal.agent.completed-value" is not BACKWARD compatible with its registered versions: a; b',
    );
  });
});

describe(PayloadValidationError.name, () => {
  it('should list every field error in the message', () => {
    const error = new PayloadValidationError(
      [
        { path: 'agent_data.confidence_score', message: 'expected double | null, got "high"' },
        { path: '', message: 'expected record X, got null' },
      ],
      7,
      'opal.agent.completed-value',
    );

    expect(error.message).toBe(
      'Payload does not match schema 7 of subject "opal.agent.completed-value": ' +
        'agent_data.confidence_score: expected double | null, got "high"; (root): expected record X, got null',
    );
    expect(error.errors).toHaveLength(2);
  });
});

describe(UnknownSchemaError.name, () => {
  describe('forId', () => {
    it('should name the id', () => {
      expect(UnknownSchemaError.forId(42)).toMatchObject({ schemaId: 42, message: 'Schema id 42 is not registered' });
    });
  });

  describe('forSubject', () => {
    it('should name the subject', () => {
      expect(UnknownSchemaError.forSubject('x-value')).toMatchObject({
        subject: 'x-value',
        message: 'No schema is registered under subject "x-value"',
      });
    });
  });
});
