import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';

/** One span as an OTLP/JSON export carries it, with attribute lists made plain objects. */
export interface ReceivedSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  attributes: Record<string, unknown>;
  resource: Record<string, unknown>;
  status: { code?: number; message?: string };
  events: Array<{ name: string; attributes: Record<string, unknown> }>;
}

export interface OtlpRequest {
  contentType: string;
  body: Buffer;
}

/**
 * A stand-in for an OpenTelemetry collector: a node:http server taking OTLP/HTTP exports at
 * `POST /v1/traces` (JSON or protobuf, gzip or not), answering as a collector does, and keeping
 * every request. JSON exports are decoded into spans; protobuf ones are kept as bytes.
 */
export class OtlpReceiver {
  private constructor(
    private readonly server: Server,
    readonly endpoint: string,
    /** Every export received, in order. */
    readonly requests: OtlpRequest[],
  ) {}

  static async start(): Promise<OtlpReceiver> {
    const requests: OtlpRequest[] = [];
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        if (req.method !== 'POST' || req.url !== '/v1/traces') return void res.writeHead(404).end();
        const raw = Buffer.concat(chunks);
        const body = req.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw;
        const contentType = String(req.headers['content-type'] ?? '');
        requests.push({ contentType, body });
        // An empty ExportTraceServiceResponse: all spans accepted.
        if (contentType.startsWith('application/json')) res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
        else res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return new OtlpReceiver(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests);
  }

  /** Every span of the JSON exports received so far. */
  spans(): ReceivedSpan[] {
    return this.requests.filter((r) => r.contentType.startsWith('application/json')).flatMap((r) => {
      const doc = JSON.parse(r.body.toString('utf8')) as ExportRequest;
      return (doc.resourceSpans ?? []).flatMap((rs) => {
        const resource = plain(rs.resource?.attributes);
        return (rs.scopeSpans ?? []).flatMap((ss) => (ss.spans ?? []).map((s) => ({
          traceId: s.traceId, spanId: s.spanId, parentSpanId: s.parentSpanId || undefined, name: s.name,
          attributes: plain(s.attributes), resource, status: s.status ?? {},
          events: (s.events ?? []).map((e) => ({ name: e.name, attributes: plain(e.attributes) })),
        })));
      });
    });
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

interface KeyValue {
  key: string;
  value: AnyValue;
}
interface AnyValue {
  stringValue?: string;
  intValue?: number | string;
  doubleValue?: number;
  boolValue?: boolean;
  arrayValue?: { values?: AnyValue[] };
}
interface ExportRequest {
  resourceSpans?: Array<{
    resource?: { attributes?: KeyValue[] };
    scopeSpans?: Array<{ spans?: Array<{ traceId: string; spanId: string; parentSpanId?: string; name: string; attributes?: KeyValue[]; status?: { code?: number; message?: string }; events?: Array<{ name: string; attributes?: KeyValue[] }> }> }>;
  }>;
}

function plain(list: KeyValue[] | undefined): Record<string, unknown> {
  return Object.fromEntries((list ?? []).map((kv) => [kv.key, valueOf(kv.value)]));
}

function valueOf(v: AnyValue): unknown {
  if (v.stringValue !== undefined) return v.stringValue;
  if (v.intValue !== undefined) return Number(v.intValue);
  if (v.doubleValue !== undefined) return v.doubleValue;
  if (v.boolValue !== undefined) return v.boolValue;
  if (v.arrayValue) return (v.arrayValue.values ?? []).map(valueOf);
  return undefined;
}
