import type { ModuleLogger } from '../context.js';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface LogRecord {
  level: LogLevel;
  msg: string;
  fields?: Record<string, unknown>;
}

/** A logger that writes nothing and keeps every line for assertions. */
export function createRecordingLogger(records: LogRecord[]): ModuleLogger {
  const at = (level: LogLevel) => (msg: string, fields?: Record<string, unknown>) => {
    records.push(fields === undefined ? { level, msg } : { level, msg, fields });
  };
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}
