import { hostname } from 'node:os';
import { defaultTextMapGetter, defaultTextMapSetter, ROOT_CONTEXT, type Context, type Tracer } from '@opentelemetry/api';
import { ExportResultCode, W3CTraceContextPropagator, type ExportResult } from '@opentelemetry/core';
// Both exporters read OTEL_EXPORTER_OTLP_* (endpoint, headers, timeout, compression) themselves.
import { OTLPTraceExporter as JsonExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as ProtobufExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { defaultResource, detectResources, envDetector, resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor, ConsoleSpanExporter, type ReadableSpan, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import { errorMessage } from '@pypeline/sdk';
import type { PypeEvent } from '@pypeline/core';
import { RunSpans } from './run-spans.js';
import type { TraceSettings } from './trace-settings.js';

export interface TracingOptions {
  /** What this process is, as the `pype.process` resource attribute: `run`, `worker`, `serve`. */
  role: string;
  /** The `service.version` resource attribute (the cli's version). */
  version?: string;
  /** Where a failed export is reported, once per process. Default: stderr. */
  warn?: (line: string) => void;
  /** Replaces the exporters the settings name (tests). */
  exporter?: SpanExporter;
}

/** A task's spans on a worker: its events as they happen, then its end. */
export interface TaskSpans {
  onEvent(event: PypeEvent): void;
  end(): void;
}

const propagator = new W3CTraceContextPropagator();
/**
 * How long one export may take, retries included, unless OTEL_EXPORTER_OTLP_(TRACES_)TIMEOUT
 * says otherwise: a process waits this long at most at exit when the collector is away
 * (OpenTelemetry's default, 10 s, is long for a command line).
 */
const EXPORT_TIMEOUT_MS = 5000;

/**
 * This process's tracing: an OpenTelemetry tracer provider with a batch span processor and
 * the OTLP exporter the settings ask for; a resource naming the service, host and pid. Spans
 * come from run events (`runListener`) and from worker tasks (`taskSpans`).
 */
export class Tracing {
  private readonly provider: BasicTracerProvider;
  private readonly tracer: Tracer;
  private readonly runs = new Map<string, RunSpans>();
  private readonly parent: Context;

  constructor(readonly settings: TraceSettings, options: TracingOptions) {
    const resource = defaultResource()
      .merge(resourceFromAttributes({
        'service.name': 'pypeline', ...(options.version ? { 'service.version': options.version } : {}),
        'service.instance.id': `${hostname()}:${process.pid}`, 'host.name': hostname(), 'process.pid': process.pid,
        'process.runtime.name': 'nodejs', 'process.runtime.version': process.versions.node, 'pype.process': options.role,
      }))
      // OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES win.
      .merge(detectResources({ detectors: [envDetector] }));
    const exporters = options.exporter ? [options.exporter] : settings.exporters.map((name) => exporterFor(name, settings, options.warn));
    this.provider = new BasicTracerProvider({ resource, spanProcessors: exporters.map((e) => new BatchSpanProcessor(e)) });
    this.tracer = this.provider.getTracer('@pypeline/telemetry', options.version);
    this.parent = settings.traceparent ? extract(settings.traceparent) : ROOT_CONTEXT;
  }

  /**
   * A listener for the runs of this process (one or many, told apart by run id). A run whose
   * sub flows go to workers (its tasks asked for `traceparent`) leaves their spans to them.
   */
  runListener(): (event: PypeEvent) => void {
    return (e) => {
      let spans = this.runs.get(e.runId);
      if (!spans) {
        if (e.type !== 'run.started') return;
        spans = new RunSpans({ tracer: this.tracer, scope: 'run', parent: this.parent });
        this.runs.set(e.runId, spans);
      }
      spans.onEvent(e);
      if (e.type === 'run.finished') {
        this.runs.delete(e.runId);
        void this.flush();
      }
    };
  }

  /** The W3C traceparent of a run's span, for the tasks its sub flows become (on workers, which trace them). */
  traceparent(runId: string): string | undefined {
    const spans = this.runs.get(runId);
    if (!spans) return undefined;
    spans.distributed();
    const carrier: Record<string, string> = {};
    propagator.inject(spans.context, carrier, defaultTextMapSetter);
    return carrier.traceparent;
  }

  /** Spans of one task on a worker, children of the span its `traceparent` names (a new trace without one). */
  taskSpans(task: { traceparent?: string; flow: string; jobDir: string; runId: string }): TaskSpans {
    const spans = new RunSpans({ tracer: this.tracer, scope: 'task', parent: task.traceparent ? extract(task.traceparent) : ROOT_CONTEXT, job: task.flow, jobDir: task.jobDir, runId: task.runId });
    return {
      onEvent: spans.onEvent,
      end: () => {
        spans.end('the task ended before it did');
        void this.flush();
      },
    };
  }

  /** Sends the spans ended so far; never rejects. */
  async flush(): Promise<void> {
    await this.provider.forceFlush().catch(() => {});
  }

  /** Ends open runs' spans, sends everything, and stops (bounded by the export timeout); never rejects. */
  async shutdown(): Promise<void> {
    for (const spans of this.runs.values()) spans.end('the process stopped before the run ended');
    this.runs.clear();
    await this.provider.shutdown().catch(() => {});
  }
}

function extract(traceparent: string): Context {
  return propagator.extract(ROOT_CONTEXT, { traceparent }, defaultTextMapGetter);
}

function exporterFor(name: TraceSettings['exporters'][number], settings: TraceSettings, warn?: (line: string) => void): SpanExporter {
  if (name === 'console') return new ConsoleSpanExporter();
  const timeoutSet = process.env.OTEL_EXPORTER_OTLP_TRACES_TIMEOUT || process.env.OTEL_EXPORTER_OTLP_TIMEOUT;
  const config = timeoutSet ? {} : { timeoutMillis: EXPORT_TIMEOUT_MS };
  return new ReportingExporter(settings.protocol === 'http/json' ? new JsonExporter(config) : new ProtobufExporter(config), settings.endpoint, warn);
}

/**
 * An exporter that says once, on stderr, when spans could not be sent (the SDK's own logger
 * is silent by default, so a wrong endpoint would otherwise lose every trace without a word).
 */
class ReportingExporter implements SpanExporter {
  private warned = false;

  constructor(
    private readonly inner: SpanExporter,
    private readonly endpoint: string,
    private readonly warn: (line: string) => void = (line) => void process.stderr.write(`${line}\n`),
  ) {}

  export(spans: ReadableSpan[], done: (result: ExportResult) => void): void {
    this.inner.export(spans, (result) => {
      if (result.code !== ExportResultCode.SUCCESS && !this.warned) {
        this.warned = true;
        this.warn(`! traces could not be sent to ${this.endpoint}: ${result.error ? errorMessage(result.error) : 'export failed'} (fix: start the OpenTelemetry collector there, or set OTEL_EXPORTER_OTLP_ENDPOINT to where it listens)`);
      }
      done(result);
    });
  }

  shutdown(): Promise<void> {
    return this.inner.shutdown();
  }

  forceFlush(): Promise<void> {
    return this.inner.forceFlush?.() ?? Promise.resolve();
  }
}
