import { AGGREGATE_FUNCTIONS } from '@pypeline/expr';
import type { PaletteConfig, PropertySchema } from './config-schema.js';
import { OPERATORS, SOURCE_TIME_FIELDS, type PaletteEntry } from './palette.js';
import { streamPalette } from './stream-flow.js';

const cell = (text: string) => text.replaceAll('|', '\\|').replaceAll('\n', ' ');

/** How a key's schema reads in the table: its value check, its allowed values, or its JSON types. */
function typeOf(p: PropertySchema): string {
  if (typeof p.check === 'string') return p.check;
  if (Array.isArray(p.enum)) return p.enum.map((v) => `\`${String(v)}\``).join(' \\| ');
  const values = p.additionalProperties as Record<string, unknown> | undefined;
  if (values && typeof values === 'object') return values.format ? `{ name: ${String(values.format)} }` : '{ column: type }';
  const items = (p.items as { type?: string } | undefined)?.type ?? 'value';
  return [p.type ?? 'any'].flat().map((t) => (t === 'array' ? `${items}[]` : String(t))).join(' \\| ');
}

/** The config table of one entry, from its JSON Schema (keys in `skip` are listed elsewhere). */
function fields(config: PaletteConfig, skip: Record<string, unknown> = {}): string[] {
  const required = new Set(config.json_schema.required);
  const rows = Object.entries(config.json_schema.properties).filter(([k]) => !(k in skip));
  if (rows.length === 0) return ['No configs.', ''];
  return [
    '| key | type | required | what |',
    '|---|---|---|---|',
    ...rows.map(([k, p]) => `| \`${k}\` | ${typeOf(p)} | ${required.has(k) ? 'yes' : ''} | ${cell(p.description)} |`),
    '',
  ];
}

function ports(e: PaletteEntry): string {
  if (e.role === 'source') return 'output `data`';
  if (e.role === 'sink') return 'input `input`';
  return `inputs ${e.inputs.map((p) => `\`${p}\``).join(', ')}; outputs ${e.outputs.map((p) => `\`${p}\``).join(', ')}`;
}

/** The aggregate functions of window_aggregate (and aggregate_mod), from the language's one table. */
function aggregateTable(): string[] {
  const reads = (f: (typeof AGGREGATE_FUNCTIONS)[number]) => (f.star ? '`*` or any column' : f.reads === 'number' ? 'a numeric column' : 'any column');
  const result = (f: (typeof AGGREGATE_FUNCTIONS)[number]) => (f.result === 'column' ? 'the column\'s type' : f.result === 'sum' ? 'int64 for integers, float64 for floats' : f.result);
  return [
    '| function | reads | result | what |',
    '|---|---|---|---|',
    ...AGGREGATE_FUNCTIONS.filter((f) => f.stream).map((f) => `| \`${f.name}\` | ${reads(f)} | ${result(f)} | ${cell(f.description)} |`),
    '',
  ];
}

/** `docs/stream-palette.md`: every module a YAML stream flow can use, generated from the palette's schemas. */
export function paletteMarkdown(): string {
  const entries = [...streamPalette().values()];
  const out = [
    '# Stream flow modules',
    '',
    '<!-- Generated from packages/stream-connectors/src/flow/ by `pnpm --filter @pypeline/stream-connectors gen:docs`; a test fails when it is stale. -->',
    '',
    'The modules a YAML flow with `settings.execution_mode: stream` can use (see [streaming](streaming.md)).',
    'Configs go under `configs.required` / `configs.optional` as in batch flows and are checked the same way',
    '(against each module\'s JSON Schema, every problem with its line, a did-you-mean and a fix); `{{context.x}}`',
    'and `{{secret.x}}` work in every value. Durations are text like `500ms`, `10s`, `5m` or milliseconds.',
    '',
    'Any installed transform module (type `mod`, one input port: `filter_mod`, `derive_mod`, `select_mod`,',
    '`sort_mod`, …; see [modules](modules.md)) is used by its name with the configs it takes in a batch flow:',
    'it runs once per record batch. Modules that need their whole input have a windowed twin here:',
    '`window_aggregate` for `aggregate_mod`, `window_join` for `join_mod`.',
    '',
    'Every source also takes these optional keys:',
    '',
    ...fields({ config_schema: { required: {}, optional: {} }, json_schema: { properties: SOURCE_TIME_FIELDS, required: [] } }),
  ];
  for (const [title, role] of [['Sources', 'source'], ['Operators', 'operator'], ['Sinks', 'sink']] as const) {
    out.push(`## ${title}`, '');
    const list = role === 'operator' ? OPERATORS : entries.filter((e) => e.role === role);
    for (const e of list) {
      out.push(`### \`${e.name}\``, '', `${e.description} Ports: ${ports(e)}.`, '', ...fields(e, role === 'source' ? SOURCE_TIME_FIELDS : {}));
    }
  }
  out.push(
    '## Aggregate functions',
    '',
    'What `aggregates` of `window_aggregate` may use, written `name: "fn(column)"`,',
    'e.g. `{ n: "count(*)", total: "sum(amount)" }`. Nulls are skipped; a group with no non-null value gives null',
    '(count gives 0). The batch `aggregate_mod` takes these and more (DISTINCT, statistics, quantiles, lists; see',
    '[modules](modules.md#aggregate_mod)).',
    '',
    ...aggregateTable(),
  );
  return `${out.join('\n').trimEnd()}\n`;
}
