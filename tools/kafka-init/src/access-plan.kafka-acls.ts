import { ACCESS_PLAN, SERVICE_NAMES, type InspectAccess, type ServiceAccess, type ServiceName } from '@opal/contracts';
import { AclOperationTypes, AclPermissionTypes, AclResourceTypes, ResourcePatternTypes, type AclEntry } from 'kafkajs';

/** The principal a service's SCRAM user authenticates as. */
export const kafkaPrincipalOf = (service: ServiceName): string => `User:${service}`;

const allow = (
  principal: string,
  resourceType: AclResourceTypes.TOPIC | AclResourceTypes.GROUP,
  resourceName: string,
  operation: AclOperationTypes.READ | AclOperationTypes.WRITE | AclOperationTypes.DESCRIBE | AclOperationTypes.DELETE,
  resourcePatternType: ResourcePatternTypes.LITERAL | ResourcePatternTypes.PREFIXED = ResourcePatternTypes.LITERAL,
): AclEntry => ({
  principal,
  host: '*',
  resourceType,
  resourceName,
  resourcePatternType,
  operation,
  permissionType: AclPermissionTypes.ALLOW,
});

/**
 * An inspecting service's bindings (the console):
 * - READ on each topic it inspects: Fetch through its throwaway groups, ListOffsets, metadata.
 * - READ and DELETE on groups named with its reader prefix (PREFIXED, the only pattern the plan
 *   grants): it joins a fresh group per read and deletes it afterwards.
 * - DESCRIBE on each group it watches: DescribeGroups and OffsetFetch (members, committed offsets,
 *   lag), and ListGroups shows it just those groups (no DESCRIBE on the cluster).
 */
function inspectBindings(principal: string, inspects: InspectAccess): AclEntry[] {
  const { topics, readerGroupPrefix, describesGroups } = inspects;
  return [
    ...topics.map((topic) => allow(principal, AclResourceTypes.TOPIC, topic, AclOperationTypes.READ)),
    allow(principal, AclResourceTypes.GROUP, readerGroupPrefix, AclOperationTypes.READ, ResourcePatternTypes.PREFIXED),
    allow(principal, AclResourceTypes.GROUP, readerGroupPrefix, AclOperationTypes.DELETE, ResourcePatternTypes.PREFIXED),
    ...describesGroups.map((group) => allow(principal, AclResourceTypes.GROUP, group, AclOperationTypes.DESCRIBE)),
  ];
}

/**
 * One service's Kafka ACL bindings (kafkajs' `createAcls` shape), nothing else:
 * - WRITE on each topic it produces to: Produce. WRITE implies DESCRIBE (the metadata the producer
 *   asks before a send) and, since Kafka 3.0 (KIP-679), authorizes an idempotent producer's
 *   InitProducerId, so the cluster's IDEMPOTENT_WRITE is not needed.
 * - READ on each topic it consumes: Fetch and the offset commit of its partitions. READ implies
 *   DESCRIBE (metadata, ListOffsets for the lag gauge).
 * - READ on its consumer group: JoinGroup, SyncGroup, Heartbeat, OffsetCommit. READ implies
 *   DESCRIBE (FindCoordinator, OffsetFetch for the lag gauge).
 */
export function kafkaAclBindings(service: ServiceName, access: ServiceAccess): AclEntry[] {
  const principal = kafkaPrincipalOf(service);
  const produce = access.produces.map((topic) =>
    allow(principal, AclResourceTypes.TOPIC, topic, AclOperationTypes.WRITE),
  );
  const inspect = access.inspects ? inspectBindings(principal, access.inspects) : [];
  if (!access.consumes) return [...produce, ...inspect];
  const { group, topics } = access.consumes;
  return [
    ...produce,
    ...topics.map((topic) => allow(principal, AclResourceTypes.TOPIC, topic, AclOperationTypes.READ)),
    allow(principal, AclResourceTypes.GROUP, group, AclOperationTypes.READ),
    ...inspect,
  ];
}

/** The bindings of every service of the plan, service by service. */
export function planKafkaAclBindings(plan: Readonly<Record<ServiceName, ServiceAccess>> = ACCESS_PLAN): AclEntry[] {
  return SERVICE_NAMES.flatMap((service) => kafkaAclBindings(service, plan[service]));
}

/** Identifies a binding: two bindings with the same key are the same ACL. */
export const aclBindingKey = (acl: AclEntry): string =>
  [
    acl.principal,
    acl.host,
    acl.resourceType,
    acl.resourcePatternType,
    acl.resourceName,
    acl.operation,
    acl.permissionType,
  ].join('\u0000');

/** kafkajs' enums are plain objects at run time, without TypeScript's reverse mapping. */
const nameIn = (values: object, value: number): string =>
  Object.entries(values).find(([, candidate]) => candidate === value)?.[0] ?? String(value);

/** A binding as a person reads it: `ALLOW WRITE on topic opal.workflow.started (literal, host *)`. */
export function describeAclBinding(acl: AclEntry): string {
  const resource = nameIn(AclResourceTypes, acl.resourceType).toLowerCase();
  const pattern = nameIn(ResourcePatternTypes, acl.resourcePatternType).toLowerCase();
  return `${nameIn(AclPermissionTypes, acl.permissionType)} ${nameIn(AclOperationTypes, acl.operation)} on ${resource} ${acl.resourceName} (${pattern}, host ${acl.host})`;
}
