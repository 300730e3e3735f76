import { redisConnectionFailure } from './redis-connection.failure';

const REDIS_DOWN = { code: 'REDIS_CONNECTION_FAILED', retriable: true, dependency: 'redis' };

describe(redisConnectionFailure.name, () => {
  it.each([
    'Connection is closed.',
    "Stream isn't writeable and enableOfflineQueue options is false",
    'connect ECONNREFUSED 127.0.0.1:6379',
    'read ECONNRESET',
    'write EPIPE',
    'connect ETIMEDOUT',
    'Command timed out',
    'Reached the max retries per request limit (which is 20). Refer to "maxRetriesPerRequest" option for details.',
  ])('should name Redis as down for ioredis\'s "%s"', (message) => {
    expect(redisConnectionFailure(new Error(message))).toEqual(REDIS_DOWN);
  });

  it('should recognise MaxRetriesPerRequestError by its name', () => {
    const error = Object.assign(new Error('gave up'), { name: 'MaxRetriesPerRequestError' });

    expect(redisConnectionFailure(error)).toEqual(REDIS_DOWN);
  });

  it.each([
    ['another error', new Error('WRONGTYPE Operation against a key holding the wrong kind of value')],
    ['a string that reads like one', 'connect ECONNREFUSED 127.0.0.1:6379'],
    ['an object that is not an Error', { message: 'Connection is closed.' }],
  ])('should not recognise %s', (_, error) => {
    expect(redisConnectionFailure(error)).toBeUndefined();
  });
});
