import { z } from 'zod';
import { envDefaults, REQUIRED, UNSET } from './env-defaults';
import { booleanVar, brokerListVar, optionalSecretVar, pemFileVar, positiveIntVar, stringVar } from './env-vars';

describe(envDefaults.name, () => {
  it('should say for every variable what it is when absent: its default as written, unset or required', () => {
    const schema = z.object({
      SIZE: positiveIntVar(500),
      SSL: booleanVar(false),
      BROKERS: brokerListVar('a:1,b:2'),
      PASSWORD: optionalSecretVar(),
      CA_FILE: pemFileVar().optional(),
      SECRETS: stringVar(),
    });

    expect(Object.fromEntries(envDefaults(schema))).toEqual({ SIZE: '500', SSL: 'false', BROKERS: 'a:1,b:2', PASSWORD: UNSET, CA_FILE: UNSET, SECRETS: REQUIRED });
  });
});
