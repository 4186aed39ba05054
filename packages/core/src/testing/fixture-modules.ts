import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

interface FixtureModule {
  name: string;
  type: 'source' | 'mod' | 'sink' | 'solo';
  input_ports?: string[];
  many_input_ports?: string[];
  output_ports?: string[];
  globals?: string[];
  /** JSON Schema of the config. */
  schema: Record<string, any>;
  /** Body of `async run(inputs, ctx)`, plain JS. */
  run: string;
  /** The definition's `cacheable` flag, when it sets one. */
  cacheable?: boolean;
}

const arrowUrl = new URL(import.meta.resolve('apache-arrow'));
const sdkUrl = new URL(import.meta.resolve('@pypeline/sdk'));

/**
 * Fixture modules installed into a temp project's node_modules, so tests exercise real
 * discovery, manifests and imports without building packages.
 */
export const FIXTURES: FixtureModule[] = [
  {
    name: 'emit_rows',
    type: 'source',
    output_ports: ['data'],
    globals: ['row_count'],
    schema: { type: 'object', additionalProperties: false, required: ['rows'], properties: { rows: { type: 'integer', description: 'How many rows' }, delay_ms: { type: 'integer', default: 0 }, label: { type: 'string', default: 'x' } } },
    run: `await new Promise((r) => setTimeout(r, ctx.config.delay_ms));
      const ids = Int32Array.from({ length: ctx.config.rows }, (_, i) => i);
      ctx.setGlobal('row_count', ctx.config.rows);
      return { data: arrow.tableFromArrays({ id: ids, label: Array.from(ids, (i) => ctx.config.label + i) }) };`,
  },
  {
    // A many input port: the ids of every connection, in connection order, and how many there were.
    name: 'concat_rows',
    type: 'mod',
    input_ports: ['inputs'],
    many_input_ports: ['inputs'],
    output_ports: ['output'],
    globals: ['inputs', 'labels'],
    schema: { type: 'object', additionalProperties: false, properties: {} },
    run: `const tables = await Promise.all(sdk.requireInputList(inputs, 'inputs', 'concat_rows', 'connect some').map((a) => a.table()));
      ctx.setGlobal('inputs', tables.length);
      ctx.setGlobal('labels', tables.map((t) => t.get(0).label).join(','));
      return { output: tables.reduce((all, t) => all.concat(t)) };`,
  },
  {
    name: 'pass_rows',
    type: 'mod',
    input_ports: ['input'],
    output_ports: ['output'],
    schema: { type: 'object', additionalProperties: false, properties: { fail: { type: 'boolean', default: false } } },
    run: `if (ctx.config.fail) throw new Error('pass_rows was told to fail');
      return { output: await inputs.input.table() };`,
  },
  {
    // Uses the out-of-core context: writes a file into ctx.tempDir() and reports the folder and budget.
    name: 'temp_rows',
    type: 'mod',
    input_ports: ['input'],
    output_ports: ['output'],
    globals: ['temp_dir', 'memory_budget'],
    schema: { type: 'object', additionalProperties: false, properties: { fail: { type: 'boolean', default: false } } },
    run: `const dir = ctx.tempDir();
      fs.writeFileSync(dir + '/part-1.arrows', 'spilled');
      ctx.setGlobal('temp_dir', dir);
      ctx.setGlobal('memory_budget', ctx.memoryBudget);
      if (ctx.config.fail) throw new Error('temp_rows was told to fail');
      return { output: await inputs.input.table() };`,
  },
  {
    name: 'keep_rows',
    type: 'mod',
    input_ports: ['input'],
    output_ports: ['output'],
    globals: ['kept'],
    schema: { type: 'object', additionalProperties: false, required: ['min_id'], properties: { min_id: { type: 'integer' }, token: { type: 'string', secret: true }, note: { type: 'string' } } },
    run: `const rows = [];
      for await (const batch of inputs.input.batches()) for (const r of batch) if (r.id >= ctx.config.min_id) rows.push(r.toJSON());
      ctx.setGlobal('kept', rows.length);
      async function* out() { yield* arrow.tableFromArrays({ id: Int32Array.from(rows, (r) => r.id), label: rows.map((r) => r.label) }).batches; }
      return { output: out() };`,
  },
  {
    name: 'stamp_rows',
    type: 'mod',
    input_ports: ['input'],
    output_ports: ['output'],
    cacheable: false,
    schema: { type: 'object', additionalProperties: false, properties: {} },
    run: `return { output: await inputs.input.table() };`,
  },
  {
    name: 'count_sink',
    type: 'sink',
    input_ports: ['input'],
    globals: ['seen'],
    schema: { type: 'object', additionalProperties: false, properties: { secret_token: { type: 'string', secret: true }, limit: { type: 'integer' } } },
    run: `ctx.setGlobal('seen', inputs.input.numRows); return {};`,
  },
  {
    name: 'write_sink',
    type: 'sink',
    input_ports: ['input'],
    schema: { type: 'object', additionalProperties: false, required: ['path', 'runs_log'], properties: { path: { type: 'string', format: 'path' }, runs_log: { type: 'string' }, delay_ms: { type: 'integer', default: 0 }, ids_log: { type: 'string' } } },
    run: `const fs = await import('node:fs');
      await new Promise((r) => setTimeout(r, ctx.config.delay_ms));
      const rows = (await inputs.input.table()).toArray().map((r) => r.toJSON());
      fs.writeFileSync(ctx.config.path + '.tmp', JSON.stringify(rows));
      fs.renameSync(ctx.config.path + '.tmp', ctx.config.path);
      fs.appendFileSync(ctx.config.runs_log, ctx.nodeId + '\\n');
      if (ctx.config.ids_log) fs.appendFileSync(ctx.config.ids_log, [ctx.runId, ctx.frame, ctx.nodeId].join(' ') + '\\n');
      return {};`,
  },
  {
    name: 'stream_rows',
    type: 'source',
    output_ports: ['data'],
    schema: { type: 'object', additionalProperties: false, required: ['batches'], properties: { batches: { type: 'integer' }, fail_at: { type: 'integer', default: -1 } } },
    run: `async function* out() {
        for (let b = 0; b < ctx.config.batches; b++) {
          if (b === ctx.config.fail_at) throw Object.assign(new Error('cannot parse batch ' + b), { retryable: false, hint: 'fix batch ' + b });
          yield* arrow.tableFromArrays({ id: Int32Array.from({ length: 10 }, (_, i) => b * 10 + i) }).batches;
        }
      }
      return { data: out() };`,
  },
  {
    name: 'stream_pass',
    type: 'mod',
    input_ports: ['input'],
    output_ports: ['output'],
    schema: { type: 'object', additionalProperties: false, properties: {} },
    run: `async function* out() { for await (const b of inputs.input.batches()) yield b; }
      return { output: out() };`,
  },
  {
    name: 'refusing_sink',
    type: 'sink',
    input_ports: ['input'],
    schema: { type: 'object', additionalProperties: false, properties: { read_first: { type: 'integer', default: 0 } } },
    run: `const it = inputs.input.batches()[Symbol.asyncIterator]();
      for (let i = 0; i < ctx.config.read_first; i++) await it.next();
      throw Object.assign(new Error('cannot open the output'), { retryable: false });`,
  },
  {
    name: 'sleep_solo',
    type: 'solo',
    globals: ['slept'],
    schema: {
      type: 'object', additionalProperties: false, required: ['ms'],
      properties: { ms: { type: 'integer' }, expr: { type: 'string', format: 'expression' }, fail: { type: 'boolean', default: false }, fatal: { type: 'boolean', default: false }, note: { type: 'string' }, fail_times: { type: 'integer', default: 0 } },
    },
    run: `globalThis.__attempts = globalThis.__attempts ?? {};
      const n = (globalThis.__attempts[ctx.nodeId] = (globalThis.__attempts[ctx.nodeId] ?? 0) + 1);
      await new Promise((r, j) => { const t = setTimeout(r, ctx.config.ms); ctx.signal.addEventListener('abort', () => { clearTimeout(t); j(ctx.signal.reason); }); });
      if (ctx.config.fatal) throw Object.assign(new Error(ctx.nodeId + ' failed for good'), { retryable: false });
      if (ctx.config.fail || n <= ctx.config.fail_times) throw new Error(ctx.nodeId + ' failed on purpose');
      if (ctx.config.note) ctx.logger.info(ctx.config.note);
      if (ctx.config.expr) ctx.logger.info('expr: ' + ctx.config.expr);
      ctx.setGlobal('slept', ctx.config.ms);`,
  },
];

/** Creates a temp project with the fixture modules installed; returns its folder. */
export function createFixtureProject(): string {
  const root = mkdtempSync(join(tmpdir(), 'pype-fixture-'));
  for (const m of FIXTURES) {
    const dir = join(root, 'node_modules', '@pypeline', `mod-${m.name.replace(/_/g, '-')}`);
    mkdirSync(join(dir, 'dist'), { recursive: true });
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: `@pypeline/mod-${m.name.replace(/_/g, '-')}`, version: '1.2.3', type: 'module', keywords: ['pypeline-module'], pypeline: { manifest: './pypeline.manifest.json' } }));
    const required = m.schema.required ?? [];
    const field = (k: string, s: any) => ({ type: s.type, description: s.description, default: s.default });
    writeFileSync(join(dir, 'pypeline.manifest.json'), JSON.stringify({
      manifest_version: 1, sdk_api: 1, name: m.name, entry: './dist/index.js', type: m.type,
      description: `fixture ${m.name}`, category: 'Fixtures',
      input_ports: m.input_ports ?? [], ...(m.many_input_ports ? { many_input_ports: m.many_input_ports } : {}), output_ports: m.output_ports ?? [], globals: m.globals ?? [], packages: [],
      config_schema: {
        required: Object.fromEntries(Object.entries(m.schema.properties).filter(([k]) => required.includes(k)).map(([k, s]) => [k, field(k, s)])),
        optional: Object.fromEntries(Object.entries(m.schema.properties).filter(([k]) => !required.includes(k)).map(([k, s]) => [k, field(k, s)])),
      },
      json_schema: m.schema,
    }));
    writeFileSync(join(dir, 'dist', 'index.js'), `import * as arrow from ${JSON.stringify(arrowUrl.href)};
import * as sdk from ${JSON.stringify(sdkUrl.href)};
import * as fs from 'node:fs';
export default { name: ${JSON.stringify(m.name)}, type: ${JSON.stringify(m.type)},${m.cacheable === undefined ? '' : ` cacheable: ${m.cacheable},`} async run(inputs, ctx) { ${m.run} } };\n`);
  }
  return root;
}

