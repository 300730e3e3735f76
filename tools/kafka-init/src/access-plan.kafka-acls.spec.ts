import { ACCESS_PLAN, type ServiceAccess } from '@opal/contracts';
import { AclOperationTypes, AclPermissionTypes, AclResourceTypes, ResourcePatternTypes } from 'kafkajs';
import {
  aclBindingKey,
  describeAclBinding,
  kafkaAclBindings,
  kafkaPrincipalOf,
  planKafkaAclBindings,
} from './access-plan.kafka-acls';

const binding = (
  principal: string,
  resourceType: AclResourceTypes,
  resourceName: string,
  operation: AclOperationTypes,
) => ({
  principal,
  host: '*',
  resourceType,
  resourceName,
  resourcePatternType: ResourcePatternTypes.LITERAL,
  operation,
  permissionType: AclPermissionTypes.ALLOW,
});

describe(kafkaPrincipalOf.name, () => {
  it('should be User:<service>', () => {
    expect(kafkaPrincipalOf('diagnostics-worker')).toBe('User:diagnostics-worker');
  });
});

describe(kafkaAclBindings.name, () => {
  it('should give a producer WRITE on each topic it produces to, and nothing else', () => {
    const access: ServiceAccess = { produces: ['opal.a', 'opal.b'], consumes: null, inspects: null, redisKeyPrefixes: ['x:'] };

    expect(kafkaAclBindings('ingest-gateway', access)).toEqual([
      binding('User:ingest-gateway', AclResourceTypes.TOPIC, 'opal.a', AclOperationTypes.WRITE),
      binding('User:ingest-gateway', AclResourceTypes.TOPIC, 'opal.b', AclOperationTypes.WRITE),
    ]);
  });

  it('should give a consumer READ on each topic it consumes and on its group', () => {
    const access: ServiceAccess = {
      produces: ['opal.a.dlq'],
      consumes: { group: 'opal-recommendations', topics: ['opal.a'] },
      inspects: null,
      redisKeyPrefixes: [],
    };

    expect(kafkaAclBindings('recommendations-worker', access)).toEqual([
      binding('User:recommendations-worker', AclResourceTypes.TOPIC, 'opal.a.dlq', AclOperationTypes.WRITE),
      binding('User:recommendations-worker', AclResourceTypes.TOPIC, 'opal.a', AclOperationTypes.READ),
      binding('User:recommendations-worker', AclResourceTypes.GROUP, 'opal-recommendations', AclOperationTypes.READ),
    ]);
  });
});

describe(planKafkaAclBindings.name, () => {
  const bindings = planKafkaAclBindings();
  const of = (principal: string) => bindings.filter((acl) => acl.principal === principal).map(describeAclBinding);

  it('should let ingest-gateway write the seven event topics', () => {
    expect(of('User:ingest-gateway')).toEqual([
      'ALLOW WRITE on topic opal.workflow.started (literal, host *)',
      'ALLOW WRITE on topic opal.agent.completed (literal, host *)',
      'ALLOW WRITE on topic opal.workflow.completed (literal, host *)',
      'ALLOW WRITE on topic opal.decision.generated (literal, host *)',
      'ALLOW WRITE on topic opal.knowledge.upserted (literal, host *)',
      'ALLOW WRITE on topic opal.decision.degraded (literal, host *)',
      'ALLOW WRITE on topic opal.user.preferences.updated (literal, host *)',
    ]);
  });

  it('should let diagnostics-worker read every event topic in its group, write their dead letters and the degraded alerts', () => {
    expect(of('User:diagnostics-worker')).toEqual([
      'ALLOW WRITE on topic opal.workflow.started.dlq (literal, host *)',
      'ALLOW WRITE on topic opal.agent.completed.dlq (literal, host *)',
      'ALLOW WRITE on topic opal.workflow.completed.dlq (literal, host *)',
      'ALLOW WRITE on topic opal.decision.generated.dlq (literal, host *)',
      'ALLOW WRITE on topic opal.knowledge.upserted.dlq (literal, host *)',
      'ALLOW WRITE on topic opal.decision.degraded.dlq (literal, host *)',
      'ALLOW WRITE on topic opal.user.preferences.updated.dlq (literal, host *)',
      'ALLOW WRITE on topic opal.decision.degraded (literal, host *)',
      'ALLOW READ on topic opal.workflow.started (literal, host *)',
      'ALLOW READ on topic opal.agent.completed (literal, host *)',
      'ALLOW READ on topic opal.workflow.completed (literal, host *)',
      'ALLOW READ on topic opal.decision.generated (literal, host *)',
      'ALLOW READ on topic opal.knowledge.upserted (literal, host *)',
      'ALLOW READ on topic opal.decision.degraded (literal, host *)',
      'ALLOW READ on topic opal.user.preferences.updated (literal, host *)',
      'ALLOW READ on group opal-diagnostics (literal, host *)',
    ]);
  });

  it('should let recommendations-worker read decisions and preferences in its group and write their dead letters', () => {
    expect(of('User:recommendations-worker')).toEqual([
      'ALLOW WRITE on topic opal.decision.generated.dlq (literal, host *)',
      'ALLOW WRITE on topic opal.user.preferences.updated.dlq (literal, host *)',
      'ALLOW READ on topic opal.decision.generated (literal, host *)',
      'ALLOW READ on topic opal.user.preferences.updated (literal, host *)',
      'ALLOW READ on group opal-recommendations (literal, host *)',
    ]);
  });

  it('should let ops-console read every event topic and DLQ through its own prefixed groups, describe the workers\' groups and write replays', () => {
    const console = of('User:ops-console');
    const topics = ACCESS_PLAN['ingest-gateway'].produces;

    expect(console.filter((line) => line.includes(' on group '))).toEqual([
      'ALLOW READ on group ops-console- (prefixed, host *)',
      'ALLOW DELETE on group ops-console- (prefixed, host *)',
      'ALLOW DESCRIBE on group opal-diagnostics (literal, host *)',
      'ALLOW DESCRIBE on group opal-recommendations (literal, host *)',
    ]);
    expect(console.filter((line) => line.startsWith('ALLOW WRITE'))).toEqual(topics.map((topic) => `ALLOW WRITE on topic ${topic} (literal, host *)`));
    expect(console.filter((line) => line.startsWith('ALLOW READ on topic'))).toEqual(
      [...topics, ...topics.map((topic) => `${topic}.dlq`)].map((topic) => `ALLOW READ on topic ${topic} (literal, host *)`),
    );
    expect(console).toHaveLength(7 + 14 + 4);
  });

  it('should grant no cluster operation, no IDEMPOTENT_WRITE and no DENY; the apps only literal READ and WRITE', () => {
    expect(bindings).toHaveLength(7 + 16 + 5 + 25);
    for (const acl of bindings) {
      expect([AclResourceTypes.TOPIC, AclResourceTypes.GROUP]).toContain(acl.resourceType);
      expect(acl).toMatchObject({ host: '*', permissionType: AclPermissionTypes.ALLOW });
    }
    for (const acl of bindings.filter((binding) => binding.principal !== 'User:ops-console')) {
      expect([AclOperationTypes.READ, AclOperationTypes.WRITE]).toContain(acl.operation);
      expect(acl.resourcePatternType).toBe(ResourcePatternTypes.LITERAL);
    }
  });
});

describe(aclBindingKey.name, () => {
  it('should tell bindings apart by every field', () => {
    const read = binding('User:a', AclResourceTypes.TOPIC, 't', AclOperationTypes.READ);

    expect(aclBindingKey({ ...read })).toBe(aclBindingKey(read));
    expect(aclBindingKey({ ...read, operation: AclOperationTypes.WRITE })).not.toBe(aclBindingKey(read));
    expect(aclBindingKey({ ...read, resourcePatternType: ResourcePatternTypes.PREFIXED })).not.toBe(
      aclBindingKey(read),
    );
  });
});

describe(describeAclBinding.name, () => {
  it('should name the permission, operation, resource and pattern', () => {
    const prefixed = {
      ...binding('User:a', AclResourceTypes.TOPIC, 'opal.', AclOperationTypes.ALL),
      resourcePatternType: ResourcePatternTypes.PREFIXED,
    };

    expect(describeAclBinding(prefixed)).toBe('ALLOW ALL on topic opal. (prefixed, host *)');
  });
});
