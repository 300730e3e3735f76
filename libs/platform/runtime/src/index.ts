export { PROBLEM_LOG_FIELDS, createHttpApp, listenAndAnnounce } from './lib/http-app.factory';
export type { ProblemLogFields } from './lib/http-app.factory';
export { runOrExit } from './lib/run-or-exit';
export { freePort } from './lib/free-port';
export { ProblemException } from './lib/problem/problem.exception';
export type { ProblemFieldError, ProblemOptions } from './lib/problem/problem.exception';
export { ProblemDetailsFilter } from './lib/problem/problem-details.filter';
export { sendProblem } from './lib/problem/problem-details';
export type { ProblemBody } from './lib/problem/problem-details';
