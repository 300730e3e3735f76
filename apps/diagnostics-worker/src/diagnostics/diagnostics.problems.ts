import { ProblemException } from '@opal/platform-runtime';
import { WORKFLOW_ID_PATTERN, WORKFLOW_LIST_LIMIT } from './diagnostics.constants';

/** Every way the diagnostics API refuses a request: one place, stable codes. */
export const diagnosticsProblems = {
  invalidWorkflowId: () =>
    new ProblemException(400, 'invalid-workflow-id', 'Invalid workflow id', {
      detail:
        'a workflow id is 1 to 100 characters of letters, digits, ".", "_", ":" and "-", starting with a letter or digit',
      errors: [{ path: 'workflowId', message: `must match ${WORKFLOW_ID_PATTERN.source}` }],
    }),
  invalidLimit: () =>
    new ProblemException(400, 'invalid-limit', 'Invalid limit', {
      detail: `limit is how many workflows to list, ${WORKFLOW_LIST_LIMIT.min} to ${WORKFLOW_LIST_LIMIT.max} (default ${WORKFLOW_LIST_LIMIT.default})`,
      errors: [
        {
          path: 'limit',
          message: `must be an integer from ${WORKFLOW_LIST_LIMIT.min} to ${WORKFLOW_LIST_LIMIT.max}`,
        },
      ],
    }),
  workflowNotFound: () =>
    new ProblemException(404, 'workflow-not-found', 'Workflow not found', {
      detail: 'diagnostics has no event of this workflow (unknown or not yet processed)',
    }),
} as const;
