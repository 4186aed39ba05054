import { describe, expect, it } from 'vitest';
import { traceSettings } from './trace-settings.js';

describe('traceSettings', () => {
  it('is off without --trace and without the OTEL variables that turn tracing on', () => {
    expect(traceSettings({})).toBeUndefined();
    expect(traceSettings({ OTEL_SERVICE_NAME: 'etl' })).toBeUndefined();
  });

  it('is on with --trace, an OTLP endpoint or a named exporter; http/protobuf to localhost:4318 by default', () => {
    expect(traceSettings({}, true)).toEqual({ exporters: ['otlp'], protocol: 'http/protobuf', endpoint: 'http://localhost:4318/v1/traces', traceparent: undefined });
    expect(traceSettings({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/' })?.endpoint).toBe('http://collector:4318/v1/traces');
    expect(traceSettings({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://c:4318/custom', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://ignored' })?.endpoint).toBe('http://c:4318/custom');
    expect(traceSettings({ OTEL_TRACES_EXPORTER: 'console, otlp' })?.exporters).toEqual(['console', 'otlp']);
    expect(traceSettings({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318', OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' })?.protocol).toBe('http/json');
    expect(traceSettings({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318', OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc', OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'http/json' })?.protocol).toBe('http/json');
  });

  it('is off with OTEL_TRACES_EXPORTER=none or OTEL_SDK_DISABLED=true, and says so when --trace asks for traces', () => {
    expect(traceSettings({ OTEL_TRACES_EXPORTER: 'none', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318' })).toBeUndefined();
    expect(traceSettings({ OTEL_SDK_DISABLED: 'true', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318' })).toBeUndefined();
    expect(() => traceSettings({ OTEL_TRACES_EXPORTER: 'none' }, true)).toThrow(/--trace asks for traces, but OTEL_TRACES_EXPORTER=none turns them off/);
  });

  it('names the variable and the fix for what it cannot do', () => {
    expect(() => traceSettings({ OTEL_TRACES_EXPORTER: 'zipkin' })).toThrow(expect.objectContaining({ message: expect.stringMatching(/OTEL_TRACES_EXPORTER=zipkin: pype cannot export traces to zipkin/), hint: expect.stringMatching(/otlp/) }));
    expect(() => traceSettings({ OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' }, true)).toThrow(expect.objectContaining({ message: 'OTEL_EXPORTER_OTLP_PROTOCOL=grpc: not an OTLP protocol pype can send', hint: expect.stringMatching(/4318/) }));
    expect(() => traceSettings({ TRACEPARENT: 'not-a-parent' }, true)).toThrow(/TRACEPARENT=not-a-parent: not a W3C traceparent/);
  });

  it('reads a parent trace from TRACEPARENT', () => {
    const parent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    expect(traceSettings({ TRACEPARENT: parent }, true)?.traceparent).toBe(parent);
  });
});
