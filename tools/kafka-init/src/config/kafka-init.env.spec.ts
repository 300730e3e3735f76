import { loadKafkaInitConfig } from './kafka-init.env';

describe(loadKafkaInitConfig.name, () => {
  it('should compare with the previous commit when SCHEMAS_BASE_REF is unset or empty', () => {
    expect(loadKafkaInitConfig({}).schemasBase).toEqual({ ref: 'HEAD~1', explicit: false });
    expect(loadKafkaInitConfig({ SCHEMAS_BASE_REF: '' }).schemasBase).toEqual({ ref: 'HEAD~1', explicit: false });
  });

  it('should take the commit SCHEMAS_BASE_REF names as an explicit base', () => {
    expect(loadKafkaInitConfig({ SCHEMAS_BASE_REF: 'origin/main' }).schemasBase).toEqual({
      ref: 'origin/main',
      explicit: true,
    });
  });
});
