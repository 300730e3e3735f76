import { DlqError, DlqKafkaError } from '@opal/platform-dlq';
import { ConsoleForbiddenError, ConsoleInputError } from '../console.errors';
import { pageProblemOf } from './console-page.filter';

describe('pageProblemOf', () => {
  it.each([
    [new ConsoleInputError('limit "0" …'), 400],
    [new DlqError('no record at a.dlq:0:9'), 400],
    [new ConsoleForbiddenError('log in as admin first'), 403],
    [new DlqKafkaError('timed out after 20 s reading a.dlq:0'), 503],
  ])('should answer %p with %i', (error, status) => {
    expect(pageProblemOf(error).status).toBe(status);
  });
});
