import { compareLocations, locationText } from './dlq.record';

describe(compareLocations.name, () => {
  it('should order by topic, then partition, then offset as a 64-bit number', () => {
    const locations = [
      { topic: 'b.dlq', partition: 0, offset: '1' },
      { topic: 'a.dlq', partition: 1, offset: '0' },
      { topic: 'a.dlq', partition: 0, offset: '10' },
      { topic: 'a.dlq', partition: 0, offset: '9' },
      { topic: 'a.dlq', partition: 0, offset: '9007199254740993' },
    ];

    expect([...locations].sort(compareLocations).map(locationText)).toEqual([
      'a.dlq:0:9',
      'a.dlq:0:10',
      'a.dlq:0:9007199254740993',
      'a.dlq:1:0',
      'b.dlq:0:1',
    ]);
  });
});
