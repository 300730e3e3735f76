import { ProblemException } from '@opal/platform-runtime';
import { DECISION_ID_PATTERN } from './recommendations.constants';

/** Every way the recommendations API refuses a request: one place, stable codes. */
export const recommendationsProblems = {
  invalidDecisionId: () =>
    new ProblemException(400, 'invalid-decision-id', 'Invalid decision id', {
      detail: 'a decision id is 1 to 100 characters of letters, digits, ".", "_", ":" and "-"',
      errors: [{ path: 'decisionId', message: `must match ${DECISION_ID_PATTERN.source}` }],
    }),
  decisionNotFound: () =>
    new ProblemException(404, 'decision-not-found', 'Decision not found', {
      detail: 'no personalised recommendations are stored for this decision id (unknown, not yet processed, or expired)',
    }),
} as const;
