// Attacks on settings.allowed_root, run by the real CLI with the real modules: every path a
// flow names (input, output, listing) must stay inside the root, `../`, absolute and symlinks alike.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { pype, ROOT } from './scaffold-helpers.js';

/**
 * A sandbox: `<base>/root` (the allowed root, with data/people.csv and `link` → outside) and
 * `<base>/outside` (with secret.csv), side by side so `root/../outside` is a real escape.
 */
function sandbox() {
  const base = mkdtempSync(join(tmpdir(), 'pype-guard-'));
  const root = join(base, 'root');
  const outside = join(base, 'outside');
  mkdirSync(join(root, 'data'), { recursive: true });
  mkdirSync(outside);
  writeFileSync(join(root, 'data', 'people.csv'), 'id,name\n1,ada\n2,bob\n');
  writeFileSync(join(outside, 'secret.csv'), 'id,name\n9,mallory\n');
  symlinkSync(outside, join(root, 'link'));
  return { base, root, outside };
}

/** Runs `read (csv_source) → <sink>` or a file_list with allowed_root set, through `pype run`. */
function run(root: string, modules: string, data: string[]) {
  const file = join(root, '..', `flow-${Math.random().toString(36).slice(2)}.yaml`);
  writeFileSync(file, `flow:\n  name: guarded\nsettings:\n  allowed_root: ${JSON.stringify(root)}\nmodules:\n${modules}\nconnections:\n  data: ${JSON.stringify(data)}\n`);
  return pype(['run', file, '--log-file', join(root, '..', 'logs', `${basename(file)}.jsonl`)], ROOT);
}

const read = (path: string) => `  - id: read\n    name: csv_source\n    configs: { required: { file_path: ${JSON.stringify(path)} } }\n`;
const sink = (name: string, path: string) => `  - id: out\n    name: ${name}\n    configs: { required: { output_path: ${JSON.stringify(path)} } }\n`;
const list = (directory: string, pattern = '*') =>
  `  - id: files\n    name: file_list\n    configs: { required: { directory: ${JSON.stringify(directory)} }, optional: { pattern: ${JSON.stringify(pattern)}, recursive: false } }\n`;

describe('settings.allowed_root covers every path a flow names', () => {
  it('lets a flow read, list and write inside the root', () => {
    const { root } = sandbox();
    const ok = run(root, read(join(root, 'data', 'people.csv')) + sink('parquet_sink', join(root, 'out', 'a.parquet')), ['read.data - out.input']);
    expect(ok.stderr).toBe('');
    expect(ok.status).toBe(0);
    expect(existsSync(join(root, 'out', 'a.parquet'))).toBe(true);
    const listed = run(root, list(join(root, 'data'), '*.csv'), []);
    expect(listed.status).toBe(0);
  }, 120_000);

  it.each([
    ['parquet_sink', 'a ../ output', (r: string) => join(r, 'data', '..', '..', 'outside', 'evil.parquet')],
    ['json_sink', 'a ../ output', (r: string) => join(r, 'data', '..', '..', 'outside', 'evil.json')],
    ['parquet_sink', 'an absolute output elsewhere', (r: string) => join(r, '..', 'outside', 'abs.parquet')],
    ['json_sink', 'an output in a symlinked folder pointing outside', (r: string) => join(r, 'link', 'via-link.json')],
    ['csv_sink', 'a ../ output', (r: string) => join(r, 'data', '..', '..', 'outside', 'evil.csv')],
    ['csv_sink', 'an output in a symlinked folder pointing outside', (r: string) => join(r, 'link', 'new', 'via-link.csv')],
    ['parquet_sink', 'an output in a symlinked folder pointing outside', (r: string) => join(r, 'link', 'new', 'via-link.parquet')],
    ['excel_sink', 'a ../ output', (r: string) => join(r, 'data', '..', '..', 'outside', 'evil.xlsx')],
    ['excel_sink', 'an output in a symlinked folder pointing outside', (r: string) => join(r, 'link', 'new', 'via-link.xlsx')],
  ])('refuses %s with %s, and writes nothing outside', (name, _what, make) => {
    const { root, outside } = sandbox();
    const target = make(root);
    const r = run(root, read(join(root, 'data', 'people.csv')) + sink(name, target), ['read.data - out.input']);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`out: config "output_path" points outside settings.allowed_root: ${target}`);
    expect(r.stderr).toContain(root);
    expect(r.stderr).toMatch(/fix: use a path under .*root, or change settings\.allowed_root/);
    expect(readdirSync(outside)).toEqual(['secret.csv']);
    expect(existsSync(join(root, '..', basename(target)))).toBe(false);
  }, 120_000);

  it('refuses an input in a symlinked folder pointing outside', () => {
    const { root } = sandbox();
    const r = run(root, read(join(root, 'link', 'secret.csv')) + sink('json_sink', join(root, 'out.json')), ['read.data - out.input']);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('read: config "file_path" points outside settings.allowed_root');
    expect(existsSync(join(root, 'out.json'))).toBe(false);
  }, 120_000);

  it('refuses a SQLite database outside the root, to write or to read, and an Excel input through a link', () => {
    const { root, outside } = sandbox();
    const database = join(root, 'link', 'evil.db');
    const load = `  - id: out\n    name: sqlite_sink\n    configs: { required: { database: ${JSON.stringify(database)}, table: t } }\n`;
    const wrote = run(root, read(join(root, 'data', 'people.csv')) + load, ['read.data - out.input']);
    expect(wrote.status).toBe(1);
    expect(wrote.stderr).toContain(`out: config "database" points outside settings.allowed_root: ${database}`);
    expect(readdirSync(outside)).toEqual(['secret.csv']);

    const query = `  - id: q\n    name: sqlite_source\n    configs: { required: { database: ${JSON.stringify(join(root, '..', 'outside', 'x.db'))}, query: "select 1" } }\n`;
    const queried = run(root, query + sink('json_sink', join(root, 'q.json')), ['q.data - out.input']);
    expect(queried.status).toBe(1);
    expect(queried.stderr).toContain('q: config "database" points outside settings.allowed_root');

    const sheet = `  - id: xl\n    name: excel_source\n    configs: { required: { file_path: ${JSON.stringify(join(root, 'link', 'secret.xlsx'))} } }\n`;
    const readSheet = run(root, sheet + sink('json_sink', join(root, 'xl.json')), ['xl.data - out.input']);
    expect(readSheet.status).toBe(1);
    expect(readSheet.stderr).toContain('xl: config "file_path" points outside settings.allowed_root');
    expect(existsSync(join(root, 'xl.json'))).toBe(false);
  }, 120_000);

  it('refuses to list the parent folder, a ../ pattern, or a symlinked entry pointing outside', () => {
    const { root } = sandbox();
    const parent = run(root, list(join(root, '..')), []);
    expect(parent.status).toBe(1);
    expect(parent.stderr).toContain('files: config "directory" points outside settings.allowed_root');

    const dotdot = run(root, list(join(root, 'data'), '../../outside/*'), []);
    expect(dotdot.status).toBe(1);
    expect(dotdot.stderr).toMatch(/files \(file_list\) failed: pattern "\.\.\/\.\.\/outside\/\*" climbs out of the folder with "\.\."/);
    expect(dotdot.stdout + dotdot.stderr).not.toContain('secret.csv');

    symlinkSync(join(root, '..', 'outside', 'secret.csv'), join(root, 'data', 'leak.csv'));
    const linked = run(root, list(join(root, 'data'), '*.csv'), []);
    expect(linked.status).toBe(1);
    expect(linked.stderr).toContain(`files: listed file ${join(root, 'data', 'leak.csv')} points outside settings.allowed_root`);
  }, 120_000);
});
