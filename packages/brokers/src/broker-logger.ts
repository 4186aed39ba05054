/** Where connection events go: the stream app's log or a module's logger (see `moduleLog`). */
export type BrokerLogger = (level: 'debug' | 'info' | 'warn' | 'error', message: string, fields?: Record<string, unknown>) => void;

/** A batch module's logger as a `BrokerLogger`. */
export function moduleLog(logger: Record<'debug' | 'info' | 'warn' | 'error', (message: string, fields?: Record<string, unknown>) => void>): BrokerLogger {
  return (level, message, fields) => logger[level](message, fields);
}
