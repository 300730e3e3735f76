import { headersAsStrings } from './dead-letter.record';

describe(headersAsStrings.name, () => {
  it('should read Buffer and string values as UTF-8 text, the first of a repeated header, and skip absent ones', () => {
    expect(
      headersAsStrings({
        event_id: Buffer.from('evt-1'),
        correlation_id: 'corr-é',
        'x-repeated': [Buffer.from('first'), 'second'],
        missing: undefined,
      }),
    ).toEqual({ event_id: 'evt-1', correlation_id: 'corr-é', 'x-repeated': 'first' });
  });

  it('should give an empty object for a record without headers', () => {
    expect(headersAsStrings(undefined)).toEqual({});
  });
});
