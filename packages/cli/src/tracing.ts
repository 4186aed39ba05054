import { startTracing, type Tracing } from '@pypeline/telemetry';
import { VERSION } from './version.js';

/** `--trace` for `pype run`, `pype worker` and `pype serve`. */
export const TRACE_OPTION = [
  '--trace',
  'send OpenTelemetry traces over OTLP (to OTEL_EXPORTER_OTLP_ENDPOINT, else http://localhost:4318); also on when OTEL_EXPORTER_OTLP_ENDPOINT or OTEL_TRACES_EXPORTER is set',
] as const;

/**
 * This process's tracing (`role`: run, worker, serve), or undefined when neither `--trace` nor
 * the OTEL_* variables ask for it; then the OpenTelemetry SDK is never loaded.
 */
export function cliTracing(role: string, flag: boolean | undefined): Promise<Tracing | undefined> {
  return startTracing({ role, flag, version: VERSION });
}

/** The line a long-running process prints at start when it traces. */
export function describeTracing(tracing: Tracing): string {
  const { exporters, protocol, endpoint } = tracing.settings;
  return `  traces: ${exporters.map((e) => (e === 'otlp' ? `OTLP ${protocol} to ${endpoint}` : 'stdout')).join(' and ')}`;
}
