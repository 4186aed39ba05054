import { OPERATORS, SOURCE_TIME_FIELDS, type FieldSpec, type PaletteEntry } from './palette.js';
import { streamPalette } from './stream-flow.js';

const cell = (text: string) => text.replaceAll('|', '\\|').replaceAll('\n', ' ');

function fields(required: Record<string, FieldSpec>, optional: Record<string, FieldSpec>): string[] {
  const rows = [
    ...Object.entries(required).map(([k, f]) => [k, f, 'yes'] as const),
    ...Object.entries(optional).map(([k, f]) => [k, f, ''] as const),
  ];
  if (rows.length === 0) return ['No configs.', ''];
  return [
    '| key | type | required | what |',
    '|---|---|---|---|',
    ...rows.map(([k, f, req]) => `| \`${k}\` | ${f.enum ? f.enum.map((v) => `\`${v}\``).join(' \\| ') : cell(f.type)} | ${req} | ${cell(f.description)} |`),
    '',
  ];
}

function ports(e: PaletteEntry): string {
  if (e.role === 'source') return 'output `data`';
  if (e.role === 'sink') return 'input `input`';
  return `inputs ${e.inputs.map((p) => `\`${p}\``).join(', ')}; outputs ${e.outputs.map((p) => `\`${p}\``).join(', ')}`;
}

/** `docs/stream-palette.md`: every module a YAML stream flow can use, generated from the palette. */
export function paletteMarkdown(): string {
  const entries = [...streamPalette().values()];
  const out = [
    '# Stream flow modules',
    '',
    '<!-- Generated from packages/stream-connectors/src/flow/ by `pnpm --filter @pypeline/stream-connectors gen:docs`; a test fails when it is stale. -->',
    '',
    'The modules a YAML flow with `settings.execution_mode: stream` can use (see [streaming](streaming.md)).',
    'Configs go under `configs.required` / `configs.optional` as in batch flows; `{{context.x}}` and',
    '`{{secret.x}}` work in every value. Durations are text like `500ms`, `10s`, `5m` or milliseconds.',
    '',
    `Every source also takes these optional keys:`,
    '',
    ...fields({}, SOURCE_TIME_FIELDS),
  ];
  out.push(
    'Besides the modules below, any installed transform module (type `mod`, one input port; see',
    '`pype list-modules --category` … or [modules](modules.md)) can be used by its name: it runs once per',
    'record batch, with its configs checked against its schema as in batch flows. The stream-native',
    '`filter_mod`, `derive_mod` and `select_mod` below take precedence over the installed packages of the',
    'same names (same configs, but synchronous and vectorised).',
    '',
  );
  for (const [title, role] of [['Sources', 'source'], ['Operators', 'operator'], ['Sinks', 'sink']] as const) {
    out.push(`## ${title}`, '');
    const list = role === 'operator' ? OPERATORS : entries.filter((e) => e.role === role);
    for (const e of list) {
      out.push(`### \`${e.name}\``, '', `${e.description} Ports: ${ports(e)}.`, '', ...fields(e.required, e.optional));
    }
  }
  return `${out.join('\n').trimEnd()}\n`;
}
