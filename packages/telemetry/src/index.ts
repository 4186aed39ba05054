import { traceSettings } from './trace-settings.js';
import type { Tracing, TracingOptions } from './tracing.js';

export { traceSettings } from './trace-settings.js';
export type { TraceSettings, TraceExporterName, OtlpProtocol } from './trace-settings.js';
export type { Tracing, TracingOptions, TaskSpans } from './tracing.js';

/**
 * This process's tracing when `--trace` (`flag`) or the OTEL_* variables ask for it, else
 * undefined. The OpenTelemetry SDK is imported only then: a process that does not trace pays
 * for one look at its environment.
 */
export async function startTracing(options: TracingOptions & { flag?: boolean; env?: NodeJS.ProcessEnv }): Promise<Tracing | undefined> {
  const settings = traceSettings(options.env ?? process.env, options.flag);
  if (!settings) return undefined;
  const { Tracing } = await import('./tracing.js');
  return new Tracing(settings, options);
}
