import { planRedisAclRules, redisAclRules } from './access-plan.redis-acls';

const COMMANDS = [
  '+@read',
  '+@write',
  '-function',
  '-scan',
  '-randomkey',
  '+eval',
  '+evalsha',
  '+@connection',
  '-@dangerous',
  '+info',
  '+time',
  '+cluster|slots',
  '+cluster|info',
];

describe(redisAclRules.name, () => {
  it('should replace keys, channels, selectors and commands, keeping passwords and on/off', () => {
    expect(redisAclRules({ produces: [], consumes: null, inspects: null, redisKeyPrefixes: ['a:', 'b:c:'] })).toEqual([
      'resetkeys',
      'resetchannels',
      'clearselectors',
      '-@all',
      '~a:*',
      '~b:c:*',
      ...COMMANDS,
    ]);
  });

  it('should never reset the user nor touch its passwords or state', () => {
    const rules = redisAclRules({ produces: [], consumes: null, inspects: null, redisKeyPrefixes: ['a:'] });

    expect(
      rules.filter((rule) => ['reset', 'nopass', 'resetpass', 'on', 'off'].includes(rule) || /^[<>#!]/.test(rule)),
    ).toEqual([]);
  });

  it('should take back the dangerous commands before giving INFO back', () => {
    const rules = redisAclRules({ produces: [], consumes: null, inspects: null, redisKeyPrefixes: [] });

    expect(rules.indexOf('-@dangerous')).toBeGreaterThan(rules.indexOf('+@connection'));
    expect(rules.indexOf('+info')).toBeGreaterThan(rules.indexOf('-@dangerous'));
  });
});

describe(planRedisAclRules.name, () => {
  it("should grant each service's user its own prefixes", () => {
    expect(planRedisAclRules()).toEqual([
      {
        user: 'ingest-gateway',
        rules: [
          'resetkeys',
          'resetchannels',
          'clearselectors',
          '-@all',
          '~opal:idempotency:webhook:*',
          '~opal:ratelimit:webhook:*',
          ...COMMANDS,
        ],
      },
      {
        user: 'diagnostics-worker',
        rules: [
          'resetkeys',
          'resetchannels',
          'clearselectors',
          '-@all',
          '~opal:diagnostics:*',
          '~opal:idempotency:opal-diagnostics:*',
          ...COMMANDS,
        ],
      },
      {
        user: 'recommendations-worker',
        rules: [
          'resetkeys',
          'resetchannels',
          'clearselectors',
          '-@all',
          '~opal:recommendations:*',
          '~opal:idempotency:opal-recommendations:*',
          ...COMMANDS,
        ],
      },
      // The console only answers readiness (PING): no key pattern, so every key command is refused.
      { user: 'ops-console', rules: ['resetkeys', 'resetchannels', 'clearselectors', '-@all', ...COMMANDS] },
    ]);
  });
});
