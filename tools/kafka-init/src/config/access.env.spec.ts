import { InvalidEnvironmentError } from '@opal/platform-config';
import { loadAccessRedisConfig } from './access.env';

describe(loadAccessRedisConfig.name, () => {
  it('should read the Redis connection variables', () => {
    expect(
      loadAccessRedisConfig({ REDIS_HOST: 'redis.internal', REDIS_PORT: '6380', REDIS_PASSWORD: 's3cret' }),
    ).toMatchObject({
      host: 'redis.internal',
      port: 6380,
      password: 's3cret',
    });
  });

  it('should name the variable that is wrong', () => {
    expect(() => loadAccessRedisConfig({ REDIS_PORT: 'six' })).toThrow(InvalidEnvironmentError);
    expect(() => loadAccessRedisConfig({ REDIS_PORT: 'six' })).toThrow(/REDIS_PORT/);
  });
});
