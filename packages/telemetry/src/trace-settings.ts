import { PypeError } from '@pypeline/core';

/** Where spans go: OTLP over HTTP (`otlp`) and/or stdout (`console`, for a look at them). */
export type TraceExporterName = 'otlp' | 'console';
/** The OTLP/HTTP encodings; `http/protobuf` is OpenTelemetry's default. */
export type OtlpProtocol = 'http/protobuf' | 'http/json';

export interface TraceSettings {
  exporters: TraceExporterName[];
  protocol: OtlpProtocol;
  /** Where OTLP spans are sent, as the exporter will compute it from the environment. */
  endpoint: string;
  /** A W3C `traceparent` the process was started under (`TRACEPARENT`): runs become its children. */
  traceparent?: string;
}

const EXPORTERS = new Set<string>(['otlp', 'console', 'none']);
const PROTOCOLS = new Set<string>(['http/protobuf', 'http/json']);

/**
 * Whether and how this process traces, from `--trace` and OpenTelemetry's standard variables:
 * `OTEL_TRACES_EXPORTER` (`otlp`, `console`, `none`; a comma list), `OTEL_EXPORTER_OTLP_ENDPOINT`
 * or `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` (either turns tracing on), the OTLP protocol, and
 * `OTEL_SDK_DISABLED`. Undefined when tracing is off. Reads the environment only: the
 * OpenTelemetry SDK is loaded later, and only when this says yes.
 */
export function traceSettings(env: NodeJS.ProcessEnv = process.env, flag = false): TraceSettings | undefined {
  const listed = (env.OTEL_TRACES_EXPORTER ?? '').split(',').map((s) => s.trim().toLowerCase()).filter(Boolean);
  const unknown = listed.filter((name) => !EXPORTERS.has(name));
  if (unknown.length) {
    throw new PypeError(`OTEL_TRACES_EXPORTER=${env.OTEL_TRACES_EXPORTER}: pype cannot export traces to ${unknown.join(', ')}`, { hint: 'use otlp (an OpenTelemetry collector, or any backend that takes OTLP over HTTP), console, or none' });
  }
  const off = isTrue(env.OTEL_SDK_DISABLED) ? 'OTEL_SDK_DISABLED=true' : listed.includes('none') ? 'OTEL_TRACES_EXPORTER=none' : undefined;
  if (off && flag) throw new PypeError(`--trace asks for traces, but ${off} turns them off`, { hint: `unset ${off.split('=')[0]}, or drop --trace` });
  if (off) return undefined;
  const endpointSet = Boolean(env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT || env.OTEL_EXPORTER_OTLP_ENDPOINT);
  if (!flag && !listed.length && !endpointSet) return undefined;
  const protocol = otlpProtocol(env);
  return {
    exporters: (listed.length ? listed : ['otlp']) as TraceExporterName[],
    protocol,
    endpoint: tracesEndpoint(env),
    traceparent: parentFromEnv(env),
  };
}

/** `TRACEPARENT`, the W3C header as an environment variable (a CI job's span, say). */
function parentFromEnv(env: NodeJS.ProcessEnv): string | undefined {
  const value = env.TRACEPARENT?.trim();
  if (!value) return undefined;
  if (!/^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$/.test(value)) {
    throw new PypeError(`TRACEPARENT=${value}: not a W3C traceparent`, { hint: 'give 00-<32 hex digits trace id>-<16 hex digits span id>-<2 hex digits flags>, e.g. 00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01, or unset it' });
  }
  return value;
}

function otlpProtocol(env: NodeJS.ProcessEnv): OtlpProtocol {
  const name = env.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL ? 'OTEL_EXPORTER_OTLP_TRACES_PROTOCOL' : 'OTEL_EXPORTER_OTLP_PROTOCOL';
  const value = env[name]?.trim() || 'http/protobuf';
  if (PROTOCOLS.has(value)) return value as OtlpProtocol;
  const hint = value === 'grpc'
    ? 'pype sends OTLP over HTTP: use http/protobuf (the default) and the collector\'s HTTP port, usually 4318'
    : 'use http/protobuf (the default) or http/json';
  throw new PypeError(`${name}=${value}: not an OTLP protocol pype can send`, { hint });
}

/** As the OTLP exporter reads it: the traces endpoint as given, else the base endpoint plus `/v1/traces`. */
function tracesEndpoint(env: NodeJS.ProcessEnv): string {
  if (env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) return env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT;
  const base = env.OTEL_EXPORTER_OTLP_ENDPOINT || 'http://localhost:4318';
  return `${base.replace(/\/+$/, '')}/v1/traces`;
}

function isTrue(value: string | undefined): boolean {
  return value?.trim().toLowerCase() === 'true';
}
