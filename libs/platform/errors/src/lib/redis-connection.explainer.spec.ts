import { explainRedisConnectionFailure } from './redis-connection.explainer';

/** ioredis' shapes, as a client met them against the secured local stack. */
const replyError = (message: string) => Object.assign(new Error(message), { name: 'ReplyError' });
const socketError = (message: string, code: string) => Object.assign(new Error(message), { code });

describe(explainRedisConnectionFailure.name, () => {
  const secured = { tls: { ca: 'pem' }, username: 'diagnostics-worker' };

  it('should blame the credentials of the named user on WRONGPASS', () => {
    const error = replyError('WRONGPASS invalid username-password pair or user is disabled.');

    expect(explainRedisConnectionFailure(error, secured)).toBe(
      'Redis refused the credentials of user "diagnostics-worker": check REDIS_USERNAME and REDIS_PASSWORD',
    );
  });

  it.each([
    'All sentinels are unreachable. Retrying from scratch after 10ms. Last error: WRONGPASS invalid username-password pair or user is disabled.',
    'All sentinels are unreachable. Retrying from scratch after 10ms. Last error: NOAUTH Authentication required.',
  ])('should blame the Sentinels\' own credentials when the Sentinels refuse them (%s)', (text) => {
    expect(explainRedisConnectionFailure(new Error(text), secured)).toBe(
      "the Sentinels refused this client's login: check REDIS_SENTINEL_USERNAME and REDIS_SENTINEL_PASSWORD (theirs, not the data nodes')",
    );
  });

  it('should leave Sentinels that do not answer to the raw message', () => {
    const error = new Error('All sentinels are unreachable. Retrying from scratch after 10ms. Last error: connect ECONNREFUSED 127.0.0.1:26379');

    expect(explainRedisConnectionFailure(error, { tls: false })).toBeUndefined();
  });

  it('should name the default user when no username is configured', () => {
    expect(explainRedisConnectionFailure(replyError('WRONGPASS invalid'), { tls: false })).toMatch(/user "default"/);
  });

  it('should ask for credentials on NOAUTH', () => {
    expect(explainRedisConnectionFailure(replyError('NOAUTH Authentication required.'), secured)).toMatch(
      /^Redis requires a password/,
    );
  });

  it('should name an ACL denial with the refused command', () => {
    const error = replyError("NOPERM this user has no permissions to run the 'ping' command");

    expect(explainRedisConnectionFailure(error, secured)).toMatch(/^Redis denied user "diagnostics-worker" a command \(NOPERM .*'ping'/);
  });

  it('should point at REDIS_TLS_CA_FILE when the server certificate is not trusted', () => {
    const error = socketError('self-signed certificate in certificate chain', 'SELF_SIGNED_CERT_IN_CHAIN');

    expect(explainRedisConnectionFailure(error, secured)).toMatch(/set REDIS_TLS_CA_FILE to the CA that signed it$/);
  });

  it('should say Redis wants TLS when a plaintext client is reset at once', () => {
    expect(explainRedisConnectionFailure(socketError('read ECONNRESET', 'ECONNRESET'), { tls: false })).toMatch(
      /accepts TLS only \(REDIS_TLS is false\)$/,
    );
  });

  it.each([
    ['a reset on a TLS client (a server going away)', socketError('read ECONNRESET', 'ECONNRESET'), secured],
    ['a refused connection', socketError('connect ECONNREFUSED 127.0.0.1:6379', 'ECONNREFUSED'), secured],
    ['a data error', replyError('WRONGTYPE Operation against a key holding the wrong kind of value'), secured],
  ])('should leave %s unexplained', (_, error, settings) => {
    expect(explainRedisConnectionFailure(error, settings)).toBeUndefined();
  });
});
