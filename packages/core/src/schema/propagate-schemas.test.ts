import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { buildCheckedFlow, checkFlow } from '../build/build.js';
import { discoverModules, type Discovery } from '../registry/discover.js';
import { discoverProject } from '../registry/discover-project.js';
import { fixtureProject, writeFlow } from '../testing/flow-files.js';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const PEOPLE = join(ROOT, 'examples/data/people.csv');

/** The built-in modules of this repository (built: their dist is imported) and the fixture modules, which state no schema. */
function discovery(): Discovery {
  if (!existsSync(join(ROOT, 'modules/filter-mod/dist/index.js'))) throw new Error('build the modules first: pnpm nx run-many -t build');
  const d = discoverProject(ROOT);
  d.entries.push(...discoverModules([fixtureProject()]).entries);
  return d;
}

const module = (id: string, name: string, required: string) => `  - id: ${id}\n    name: ${name}\n    configs:\n      required:\n${required}`;
const flow = (modules: string[], data: string[]) => `flow:\n  name: schemas\nmodules:\n${modules.join('\n')}\nconnections:\n  data:\n${data.map((d) => `    - "${d}"`).join('\n')}\n`;
const read = module('read', 'csv_source', `        file_path: ${PEOPLE}`);

describe('schemas propagated through the plan', () => {
  it('computes every connection from the CSV header through filter, derive, aggregate and sort', async () => {
    const file = writeFlow(flow([
      read,
      module('adults', 'filter_mod', '        condition: "age > 18"'),
      module('calc', 'derive_mod', '        columns:\n          double: "amount * 2"\n          label: "upper(name)"'),
      module('totals', 'aggregate_mod', '        group_by: [category]\n        aggregates:\n          people: "count(*)"\n          top: "max(double)"'),
      module('order', 'sort_mod', '        by: ["people desc"]'),
    ], ['read.data - adults.input', 'adults.output - calc.input', 'calc.output - totals.input', 'totals.output - order.input']));
    const r = await checkFlow(file, { discovery: discovery() });
    expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const edges = Object.fromEntries(r.schemas!.edges.map((e) => [e.to, 'columns' in e ? e.columns.map((c) => `${c.name}:${c.type}`).join(' ') : e.unknown]));
    expect(edges['adults.input']).toBe('id:Int64 name:Utf8 age:Int64 amount:Float64 category:Utf8 created:Date32<DAY>');
    expect(edges['calc.input']).toBe(edges['adults.input']);
    expect(edges['totals.input']).toBe(`${edges['adults.input']} double:Float64 label:Utf8`);
    expect(edges['order.input']).toBe('category:Utf8 people:Int64 top:Float64');
  });

  it('lists every expression, column, aggregate and sort problem at once, each at its line and column', async () => {
    const file = writeFlow(flow([
      read,
      module('keep', 'filter_mod', '        condition: "age >> ) 18 ("'),
      module('typo', 'filter_mod', '        condition: "agee > 18 and yeer(created) > 2020"'),
      module('totals', 'aggregate_mod', '        aggregates:\n          n: "count(distinct nam)"'),
      module('order', 'sort_mod', '        by: ["n descending"]'),
    ], ['read.data - keep.input', 'read.data - typo.input', 'typo.output - totals.input', 'totals.output - order.input']));
    const r = await checkFlow(file, { discovery: discovery() });
    expect(r.ok).toBe(false);
    const errors = r.diagnostics.filter((d) => d.severity === 'error');
    const at = (pattern: RegExp) => {
      const hit = errors.find((d) => pattern.test(d.message));
      expect(hit, `no error matching ${pattern} in:\n${errors.map((d) => d.message).join('\n')}`).toBeDefined();
      return hit!;
    };
    // `        condition: "` is 20 characters: the expression starts at column 21.
    expect(at(/"keep".*expected a value after '>'/)).toMatchObject({ line: 13, column: 26, path: 'modules[1].configs.required.condition' });
    expect(at(/unknown column `agee`/)).toMatchObject({ line: 18, column: 21, hint: expect.stringMatching(/did you mean `age`/) });
    expect(at(/unknown function `yeer\(\)`/)).toMatchObject({ line: 18, column: 35 });
    expect(at(/count\(distinct nam\)/)).toMatchObject({ line: 24, path: 'modules[3].configs.required.aggregates.n', hint: expect.stringMatching(/^the input's columns are: .*name/) });
    expect(at(/"n descending".*is not a direction/)).toMatchObject({ line: 29, hint: expect.stringMatching(/write "n desc"/) });
  });

  it('leaves what follows a module that states no schema unknown, skipping the checks that need it', async () => {
    const file = writeFlow(flow([
      module('rows', 'emit_rows', '        rows: 3'),
      module('keep', 'filter_mod', '        condition: "no_such_column > 1"'),
      module('bad', 'filter_mod', '        condition: "id >"'),
    ], ['rows.data - keep.input', 'keep.output - bad.input']));
    const r = await checkFlow(file, { discovery: discovery() });
    const [first, second] = r.schemas!.edges;
    expect(first).toEqual({ from: 'rows.data', to: 'keep.input', unknown: 'emit_rows does not state its output schema' });
    expect(second).toEqual({ from: 'keep.output', to: 'bad.input', unknown: 'follows rows.data: emit_rows does not state its output schema' });
    // The column check needs the schema and is skipped; the syntax check does not.
    expect(r.diagnostics.filter((d) => d.severity === 'error').map((d) => d.path)).toEqual(['modules[2].configs.required.condition']);
  });

  it('gives unknown for a source whose config holds a value known only at run time', async () => {
    const file = writeFlow(flow([
      module('rows', 'emit_rows', '        rows: 3'),
      module('read', 'csv_source', '        file_path: "{{rows__row_count}}.csv"'),
      module('keep', 'filter_mod', '        condition: "x > 1"'),
    ], ['read.data - keep.input']).replace('connections:', 'connections:\n  control:\n    - "rows (1|) read"'));
    const r = await checkFlow(file, { discovery: discovery() });
    expect(r.ok).toBe(true);
    expect(r.schemas!.edges[0]).toMatchObject({ unknown: 'read.configs.file_path holds {{rows__row_count}}, known only at run time' });
  });

  it('resolves context values, and warns (unknown) when a source file is not there', async () => {
    const file = writeFlow(`${flow([module('read', 'csv_source', '        file_path: "{{context.dir}}/nope.csv"')], [])}context:\n  default:\n    dir: ${join(ROOT, 'examples/data')}\n`.replace('  data:\n', '  data: []\n'));
    const r = await checkFlow(file, { discovery: discovery() });
    expect(r.ok).toBe(true);
    const warning = r.diagnostics.find((d) => d.severity === 'warning' && /output schema unknown/.test(d.message));
    expect(warning?.message).toContain(join(ROOT, 'examples/data/nope.csv'));
  });

  it('falls back to unknown with a warning when the database does not answer', async () => {
    const pg = module('ask', 'postgres_source', '        query: "select 1 as x"\n        database: test\n      optional:\n        host: 127.0.0.1\n        port: 1\n        connect_timeout: 2');
    const file = writeFlow(flow([pg, module('keep', 'filter_mod', '        condition: "y > 1"')], ['ask.data - keep.input']));
    const r = await checkFlow(file, { discovery: discovery(), schemaTimeoutMs: 3000 });
    expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(r.diagnostics.find((d) => d.severity === 'warning')).toMatchObject({ path: 'modules[0]', message: expect.stringMatching(/^ask \(postgres_source\): output schema unknown until the run: .*(cannot connect|no answer)/) });
    expect(r.schemas!.edges[0]).toMatchObject({ from: 'ask.data', unknown: expect.any(String) });
  }, 30_000);

  it('does not read a file outside settings.allowed_root', async () => {
    const file = writeFlow(flow([read], []).replace('modules:', `settings:\n  allowed_root: ${fixtureProject()}\nmodules:`).replace('  data:\n', '  data: []\n'));
    const r = await checkFlow(file, { discovery: discovery() });
    expect(r.ok).toBe(true);
    expect(r.diagnostics.find((d) => d.severity === 'warning' && d.path === 'modules[0]')?.message).toMatch(/^read: output schema unknown: .*outside/);
  });

  it('writes the schemas into the job folder', async () => {
    const file = writeFlow(flow([read, module('keep', 'filter_mod', '        condition: "age > 18"')], ['read.data - keep.input']));
    const { jobDir } = await buildCheckedFlow(file, { discovery: discovery(), outDir: join(fixtureProject(), 'jobs') });
    const written = JSON.parse(readFileSync(join(jobDir, 'schemas_schemas.json'), 'utf8'));
    expect(written.flow).toBe('schemas');
    expect(written.edges[0]).toMatchObject({ from: 'read.data', to: 'keep.input' });
    expect(written.edges[0].columns[2]).toEqual({ name: 'age', type: 'Int64', nullable: true });
  });
});
