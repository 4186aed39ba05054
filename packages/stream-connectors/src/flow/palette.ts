import {
  avg, consoleSink, count, first, last, max, min, session, sliding, sum, tumbling,
  type Aggregate, type KeyedStream, type SchemaSpec, type Stream, type StreamSink, type StreamSource, type WindowResult, type WindowSpec,
} from '@pypeline/stream';

/** The type a config value must have. */
export type FieldType = 'string' | 'number' | 'integer' | 'boolean' | 'duration' | 'object' | 'string[]' | 'string|string[]' | 'schema' | 'window' | 'aggregates' | 'expression' | 'expressions';

export interface FieldSpec {
  type: FieldType;
  description: string;
  enum?: readonly (string | number)[];
}

type Config = Record<string, unknown>;

interface BaseEntry {
  name: string;
  description: string;
  required: Record<string, FieldSpec>;
  optional: Record<string, FieldSpec>;
}

export interface SourceEntry extends BaseEntry {
  role: 'source';
  create(config: Config): StreamSource;
}

export interface SinkEntry extends BaseEntry {
  role: 'sink';
  create(config: Config): StreamSink;
}

export interface OperatorEntry extends BaseEntry {
  role: 'operator';
  inputs: string[];
  outputs: string[];
  /** Adds the operator to the app; returns a stream per output port. */
  apply(inputs: Record<string, Stream>, config: Config, id: string): Record<string, Stream>;
}

export type PaletteEntry = SourceEntry | SinkEntry | OperatorEntry;

/** Keys every source accepts: event time and watermarks. */
export const SOURCE_TIME_FIELDS: Record<string, FieldSpec> = {
  event_time: { type: 'string', description: 'Column holding each event\'s time (timestamp, epoch ms or ISO text); needed by windows downstream.' },
  max_out_of_order: { type: 'duration', description: 'How late (in event time) events may arrive out of order; the watermark trails the largest event time by this. Default 0.' },
  idle_timeout: { type: 'duration', description: 'After this long without events, the watermark follows the wall clock so windows close. Off by default.' },
};

/** `{ tumbling: 1m }`, `{ sliding: 1m, every: 10s }`, `{ session: 30s }`. */
export function windowFrom(value: unknown): WindowSpec {
  const w = value as Record<string, string | number>;
  if (w.tumbling !== undefined) return tumbling(w.tumbling);
  if (w.sliding !== undefined) {
    if (w.every === undefined) throw new Error('a sliding window needs `every`, e.g. { sliding: 1m, every: 10s }');
    return sliding(w.sliding, w.every);
  }
  if (w.session !== undefined) return session(w.session);
  throw new Error('write the window as { tumbling: 1m }, { sliding: 1m, every: 10s } or { session: 30s }');
}

const AGGREGATE = /^\s*(count)\s*(?:\(\s*\))?\s*$|^\s*(sum|min|max|avg|first|last)\s*\(\s*([A-Za-z_][\w]*)\s*\)\s*$/;

/** `count`, `sum(amount)`, `avg(temp)`, … */
export function aggregateFrom(text: string): Aggregate {
  const m = AGGREGATE.exec(text);
  if (!m) throw new Error(`"${text}" is not an aggregate: use count, sum(col), min(col), max(col), avg(col), first(col) or last(col)`);
  if (m[1]) return count();
  const col = m[3];
  return ({ sum, min, max, avg, first, last } as Record<string, (c: string) => Aggregate>)[m[2]](col);
}

const keyedWindow = (s: Stream, cfg: Config) => s.keyBy(cfg.key as string).window(windowFrom(cfg.window), { allowedLateness: (cfg.allowed_lateness as string | number | undefined) ?? 0 });
const resultPorts = (r: WindowResult) => ({ output: r as Stream, late: r.late() });

/** The operators a YAML stream flow can use; connectors are added by connectorEntries(). */
export const OPERATORS: OperatorEntry[] = [
  {
    name: 'filter_mod', role: 'operator', inputs: ['input'], outputs: ['output'],
    description: 'Keeps the rows where a condition is true (the batch filter_mod, per record batch).',
    required: { condition: { type: 'expression', description: 'An expression, e.g. `temperature > 30 and sensor != \'test\'`.' } },
    optional: {},
    apply: (inp, cfg, id) => ({ output: inp.input.filter(cfg.condition as string, { name: id }) }),
  },
  {
    name: 'derive_mod', role: 'operator', inputs: ['input'], outputs: ['output'],
    description: 'Adds or replaces columns computed by expressions (the batch derive_mod, per record batch).',
    required: { columns: { type: 'expressions', description: 'New columns as { name: expression }.' } },
    optional: {},
    apply: (inp, cfg, id) => ({ output: inp.input.map(cfg.columns as Record<string, string>, { name: id }) }),
  },
  {
    name: 'select_mod', role: 'operator', inputs: ['input'], outputs: ['output'],
    description: 'Keeps only the listed columns, in that order.',
    required: { columns: { type: 'string[]', description: 'Columns to keep.' } },
    optional: {},
    apply: (inp, cfg, id) => ({ output: inp.input.select(cfg.columns as string[], { name: id }) }),
  },
  {
    name: 'window_aggregate', role: 'operator', inputs: ['input'], outputs: ['output', 'late'],
    description: 'Per key and event-time window, named aggregates; late events (past allowed_lateness) leave on `late`.',
    required: {
      key: { type: 'string', description: 'Column to group by.' },
      window: { type: 'window', description: '{ tumbling: 1m }, { sliding: 1m, every: 10s } or { session: 30s }.' },
      aggregates: { type: 'aggregates', description: 'Output columns as { name: aggregate }: count, sum(col), min(col), max(col), avg(col), first(col), last(col).' },
    },
    optional: { allowed_lateness: { type: 'duration', description: 'How long after a window fires late events still update it. Default 0.' } },
    apply: (inp, cfg, id) => resultPorts(keyedWindow(inp.input, cfg).aggregate(
      Object.fromEntries(Object.entries(cfg.aggregates as Record<string, string>).map(([k, v]) => [k, aggregateFrom(v)])), { name: id })),
  },
  {
    name: 'window_join', role: 'operator', inputs: ['left', 'right'], outputs: ['output', 'late'],
    description: 'Inner join of two streams on a key within event-time windows; clashing right columns get a `right_` prefix.',
    required: {
      key: { type: 'string', description: 'Join column (on both sides unless right_key is given).' },
      window: { type: 'window', description: '{ tumbling: 1m } or { sliding: 1m, every: 10s }.' },
    },
    optional: {
      right_key: { type: 'string', description: 'Join column of the right side, when named differently.' },
      allowed_lateness: { type: 'duration', description: 'How long after a window fires late rows still join. Default 0.' },
    },
    apply: (inp, cfg, id) => {
      const left: KeyedStream = inp.left.keyBy(cfg.key as string);
      const right: KeyedStream = inp.right.keyBy((cfg.right_key as string | undefined) ?? (cfg.key as string));
      return resultPorts(left.join(right, { window: windowFrom(cfg.window), allowedLateness: (cfg.allowed_lateness as string | number | undefined) ?? 0, name: id }));
    },
  },
];

export const BUILTIN_SINKS: SinkEntry[] = [
  {
    name: 'console_sink', role: 'sink', description: 'Prints each row as a JSON line on stdout.',
    required: {}, optional: { prefix: { type: 'string', description: 'Text before each line.' } },
    create: (cfg) => consoleSink({ prefix: cfg.prefix as string | undefined }),
  },
];

export type { SchemaSpec };
