import { idempotencyScopePrefix } from '@opal/contracts';

/**
 * The Redis key of a record: `opal:idempotency:<scope>:<key>`, under the scope's prefix that the
 * access plan grants. A scope may not contain `:`, so two (scope, key) pairs never share a record.
 */
export function idempotencyKey(scope: string, key: string): string {
  if (typeof scope !== 'string' || scope.length === 0 || scope.includes(':')) {
    throw new TypeError(`idempotency scope must be a non-empty string without ":", got ${JSON.stringify(scope)}`);
  }
  if (typeof key !== 'string' || key.length === 0) {
    throw new TypeError(`idempotency key must be a non-empty string, got ${JSON.stringify(key)}`);
  }
  return `${idempotencyScopePrefix(scope)}${key}`;
}
