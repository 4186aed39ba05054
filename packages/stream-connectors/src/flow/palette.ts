import { createRequire } from 'node:module';
import type { Manifest } from '@pypeline/sdk';
import { consoleSink, type KeyedStream, type Stream, type StreamSink, type StreamSource, type WindowResult } from '@pypeline/stream';
import { configOf, duration, text, window, type PaletteConfig, type PropertySchema } from './config-schema.js';
import { windowFrom } from './window-config.js';

type Config = Record<string, unknown>;

/** A module only a stream flow has; its config is checked by core's checkConfig, as a batch module's is. */
interface BaseEntry extends PaletteConfig {
  name: string;
  description: string;
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
export const SOURCE_TIME_FIELDS: Record<string, PropertySchema> = {
  event_time: text('Column holding each event\'s time (timestamp, epoch ms or ISO text; no zone means UTC); needed by windows downstream.'),
  max_out_of_order: duration('How late (in event time) events may arrive out of order; the watermark trails the largest event time by this. Default 0.'),
  idle_timeout: duration('After this long without events, the watermark follows the wall clock so windows close. Off by default.'),
};

/** A source's config: its own keys and the event-time keys every source takes. */
export function sourceConfig(required: Record<string, PropertySchema>, optional: Record<string, PropertySchema> = {}): PaletteConfig {
  return configOf(required, { ...optional, ...SOURCE_TIME_FIELDS });
}

// window_aggregate takes aggregate_mod's keys as its generated schema declares them (one syntax, one check).
const aggregateMod = createRequire(import.meta.url)('@pypeline/mod-aggregate-mod/pypeline.manifest.json') as Manifest;
const { group_by: groupBy, aggregates } = aggregateMod.json_schema.properties as Record<string, PropertySchema>;

const lateness = (cfg: Config) => (cfg.allowed_lateness as string | number | undefined) ?? 0;
const resultPorts = (r: WindowResult) => ({ output: r as Stream, late: r.late() });

/** The operators only stream flows have; connectors are added by CONNECTORS, installed batch modules by name. */
export const OPERATORS: OperatorEntry[] = [
  {
    name: 'window_aggregate', role: 'operator', inputs: ['input'], outputs: ['output', 'late'],
    description: 'aggregate_mod per event-time window: one row per group_by key and window with the named aggregates (the same syntax: count(*), sum(col), …); late events (past allowed_lateness) leave on `late`.',
    ...configOf(
      { aggregates: { ...aggregates, description: 'Output columns as `name: function(column)`, e.g. { orders: "count(*)", revenue: "sum(amount)" }; the functions a window computes are listed under Aggregate functions below.' }, window: window('{ tumbling: 1m }, { sliding: 1m, every: 10s } or { session: 30s }.') },
      {
        group_by: { ...groupBy, description: 'Columns to group by, as in aggregate_mod; leave out for one row per window over every event.' },
        allowed_lateness: duration('How long after a window fires late events still update it. Default 0.'),
      },
    ),
    apply: (inp, cfg, id) => resultPorts(inp.input.keyBy((cfg.group_by as string[] | undefined) ?? [])
      .window(windowFrom(cfg.window), { allowedLateness: lateness(cfg) })
      .aggregate(cfg.aggregates as Record<string, string>, { name: id })),
  },
  {
    name: 'window_join', role: 'operator', inputs: ['left', 'right'], outputs: ['output', 'late'],
    description: 'Inner join of two streams on a key within event-time windows; clashing right columns get a `right_` prefix.',
    ...configOf(
      {
        key: text('Join column (on both sides unless right_key is given).'),
        window: window('{ tumbling: 1m } or { sliding: 1m, every: 10s }.'),
      },
      {
        right_key: text('Join column of the right side, when named differently.'),
        allowed_lateness: duration('How long after a window fires late rows still join. Default 0.'),
      },
    ),
    apply: (inp, cfg, id) => {
      const left: KeyedStream = inp.left.keyBy(cfg.key as string);
      const right: KeyedStream = inp.right.keyBy((cfg.right_key as string | undefined) ?? (cfg.key as string));
      return resultPorts(left.join(right, { window: windowFrom(cfg.window), allowedLateness: lateness(cfg), name: id }));
    },
  },
];

export const BUILTIN_SINKS: SinkEntry[] = [
  {
    name: 'console_sink', role: 'sink', description: 'Prints each row as a JSON line on stdout.',
    ...configOf({}, { prefix: text('Text before each line.') }),
    create: (cfg) => consoleSink({ prefix: cfg.prefix as string | undefined }),
  },
];
