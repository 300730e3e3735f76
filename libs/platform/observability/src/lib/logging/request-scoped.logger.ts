import type { Bindings, Level, LogFn, Logger } from 'pino';
import { CORRELATION_ID_LOG_KEY } from '../observability.constants';

/**
 * The logger of one request's application lines: the root logger bound to the request's
 * correlation id. The child is only made when a line at an enabled level is logged, because a
 * pino child per request (what pino-http gives every request) was a tenth of the gateway's CPU in
 * a profile, and most requests log nothing from inside.
 */
export class RequestScopedLogger {
  private bound: Logger | undefined;

  constructor(
    private readonly root: Logger,
    private readonly correlationId: string,
  ) {}

  readonly trace: LogFn = (...args: Parameters<LogFn>) => this.write('trace', args);
  readonly debug: LogFn = (...args: Parameters<LogFn>) => this.write('debug', args);
  readonly info: LogFn = (...args: Parameters<LogFn>) => this.write('info', args);
  readonly warn: LogFn = (...args: Parameters<LogFn>) => this.write('warn', args);
  readonly error: LogFn = (...args: Parameters<LogFn>) => this.write('error', args);
  readonly fatal: LogFn = (...args: Parameters<LogFn>) => this.write('fatal', args);

  /** What every line of the request carries, without making the child. */
  bindings(): Bindings {
    return { [CORRELATION_ID_LOG_KEY]: this.correlationId };
  }

  /** `PinoLogger.assign` narrows the request's logger further. */
  child(bindings: Bindings): Logger {
    return this.logger().child(bindings);
  }

  isLevelEnabled(level: Level): boolean {
    return this.root.isLevelEnabled(level);
  }

  private write(level: Level, args: Parameters<LogFn>): void {
    if (!this.root.isLevelEnabled(level)) return;
    const logger = this.logger();
    (logger[level] as (...values: unknown[]) => void).apply(logger, args);
  }

  private logger(): Logger {
    return (this.bound ??= this.root.child(this.bindings()));
  }
}
