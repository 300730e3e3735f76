import { PermanentProcessingError } from './consumer.errors';
import { describeFailure } from './failure.description';

describe(describeFailure.name, () => {
  it('should name the class and bound the message', () => {
    const described = describeFailure(new PermanentProcessingError('x'.repeat(2000)));

    expect(described.errorClass).toBe('PermanentProcessingError');
    expect(described.message).toHaveLength(1000);
  });

  it('should describe a thrown non-Error by its type and text', () => {
    expect(describeFailure('a string')).toEqual({ errorClass: 'string', message: 'a string' });
  });
});
