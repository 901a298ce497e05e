import type { FastifyBaseLogger } from 'fastify';
import type { Bindings, ChildLoggerOptions } from 'pino';

type Level = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace';
type Parent = FastifyBaseLogger & { isLevelEnabled?(level: string): boolean };

/**
 * A request's logger that becomes a pino child only when it writes a line. Fastify makes a child
 * per request (requestId) and the pipeline one more (exportId); pino's child() rebinds every level
 * method and serialises the bindings, ~10 % of a status call under load, for calls that mostly log
 * nothing. The child is made from the same bindings in the same order, so lines are unchanged.
 */
export class LazyChildLogger implements FastifyBaseLogger {
  private made?: FastifyBaseLogger;

  constructor(
    private readonly parent: Parent,
    private readonly bindings: Bindings,
    private readonly options?: ChildLoggerOptions,
  ) {
    // A child with its own level or serializers (a route's logLevel) is made at once, so that
    // "is this level on" is always the parent's question while nothing is made.
    if (options && Object.keys(options).length > 0) this.logger();
  }

  /** Fastify's childLoggerFactory: every request gets a lazy child. */
  static factory(logger: FastifyBaseLogger, bindings: Bindings, options: ChildLoggerOptions): FastifyBaseLogger {
    return new LazyChildLogger(logger, bindings, options);
  }

  private logger(): FastifyBaseLogger {
    const parent = this.parent instanceof LazyChildLogger ? this.parent.logger() : this.parent;
    return (this.made ??= parent.child(this.bindings, this.options));
  }

  isLevelEnabled(level: string): boolean {
    const logger: Parent = this.made ?? this.parent;
    return logger.isLevelEnabled?.(level) ?? true;
  }

  get level(): string {
    return (this.made ?? this.parent).level;
  }

  set level(level: string) {
    this.logger().level = level;
  }

  child(bindings: Bindings, options?: ChildLoggerOptions): FastifyBaseLogger {
    return new LazyChildLogger(this, bindings, options);
  }

  private write(level: Level, args: unknown[]): void {
    if (!this.isLevelEnabled(level)) return;
    (this.logger() as unknown as Record<Level, (...args: unknown[]) => void>)[level](...args);
  }

  fatal(...args: unknown[]): void {
    this.write('fatal', args);
  }
  error(...args: unknown[]): void {
    this.write('error', args);
  }
  warn(...args: unknown[]): void {
    this.write('warn', args);
  }
  info(...args: unknown[]): void {
    this.write('info', args);
  }
  debug(...args: unknown[]): void {
    this.write('debug', args);
  }
  trace(...args: unknown[]): void {
    this.write('trace', args);
  }
  silent(): void {}
}
