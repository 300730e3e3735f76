/** A failure of `access` whose message says what to do; printed as the command's one line. */
export class AccessError extends Error {
  override readonly name = 'AccessError';
}

/** The Kafka protocol error type (`CLUSTER_AUTHORIZATION_FAILED`, …) anywhere in the cause chain. */
function kafkaErrorType(error: unknown): string | undefined {
  for (let current = error, depth = 0; current instanceof Error && depth < 5; current = current.cause, depth++) {
    const type = (current as { type?: unknown }).type;
    if (typeof type === 'string') return type;
  }
  return undefined;
}

/** Turns what the brokers refused into the action that fixes it; any other error passes unchanged. */
export function explainKafkaAclError(error: unknown): unknown {
  const type = kafkaErrorType(error);
  if (type === 'CLUSTER_AUTHORIZATION_FAILED') {
    return new AccessError(
      `the Kafka principal used here may not alter ACLs (${type}): run access with the admin user`,
      { cause: error },
    );
  }
  if (type === 'SECURITY_DISABLED') {
    return new AccessError(`the brokers have no authorizer (${type}): access grants ACLs on a secured stack only`, {
      cause: error,
    });
  }
  return error;
}

/** Turns a Redis ACL refusal into the action that fixes it; any other error passes unchanged. */
export function explainRedisAclError(error: unknown): unknown {
  if (error instanceof Error && error.message.startsWith('NOPERM')) {
    return new AccessError('the Redis user used here may not change ACLs (NOPERM): run access with the admin user', {
      cause: error,
    });
  }
  return error;
}
