import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readWithDuckDb } from './read-with-duckdb.js';
import { devEnv, output, ROOT, runAsync, type Finished } from './scaffold-helpers.js';

// A project of one's own, as a new user makes it from a checkout: `pype init`, `npm install`
// (the dependencies are file: links to this checkout, so no registry is involved), then the
// example flows run with `npx pype` from the project folder, which is outside the repository.
const SHIM = join(ROOT, 'packages/cli/bin/pype.js');
const work = mkdtempSync(join(tmpdir(), 'pype-init-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function ok(r: Finished, what: string): Finished {
  expect(r.status, `${what}\n${output(r)}`).toBe(0);
  return r;
}

describe('pype init: a project outside the repository', () => {
  const project = join(work, 'my-etl');
  // npm reads no .npmrc of the checkout from here; --offline proves no registry is needed.
  const npx = (args: string[]) => runAsync('npx', ['--no-install', 'pype', ...args], project, devEnv({ npm_config_offline: 'true' }));

  it('creates the project, installs it without a registry, and runs its YAML and TypeScript flows', async () => {
    const created = ok(await runAsync(process.execPath, [SHIM, 'init', project], work), 'pype init');
    expect(created.stdout).toContain('✓ created my-etl in my-etl: the pype CLI and');
    for (const file of ['package.json', '.gitignore', 'README.md', 'flows/orders.yaml', 'flows/orders.ts', 'data/orders.csv']) expect(existsSync(join(project, file)), file).toBe(true);
    const pkg = JSON.parse(readFileSync(join(project, 'package.json'), 'utf8'));
    expect(pkg.dependencies['@pypeline/cli']).toBe(`file:${join(ROOT, 'packages/cli')}`);
    expect(Object.keys(pkg.dependencies)).toEqual(expect.arrayContaining(['@pypeline/core', '@pypeline/mod-csv-source', '@pypeline/mod-aggregate-mod', '@pypeline/mod-parquet-sink']));

    ok(await runAsync('npm', ['install', '--offline', '--no-audit', '--no-fund'], project), 'npm install');
    expect((ok(await npx(['--version']), 'pype --version')).stdout.trim()).toBe(JSON.parse(readFileSync(join(ROOT, 'packages/cli/package.json'), 'utf8')).version);
    const listed = ok(await npx(['list-modules']), 'pype list-modules').stdout;
    for (const name of ['csv_source', 'aggregate_mod', 'parquet_sink']) expect(listed).toContain(name);

    const yaml = ok(await npx(['run', 'flows/orders.yaml']), 'pype run flows/orders.yaml');
    expect(yaml.stdout).toContain('✓ orders succeeded');
    const ts = ok(await npx(['run', 'flows/orders.ts']), 'pype run flows/orders.ts');
    expect(ts.stdout).toContain('✓ orders_ts succeeded');
    // Ten orders, one unpriced: six customers, the largest total first.
    for (const file of ['customers.parquet', 'customers_ts.parquet']) {
      const rows = await readWithDuckDb(`SELECT customer, orders, round(total, 2) AS total FROM read_parquet('${join(project, 'out', file)}')`);
      expect(rows.map((r) => [r.customer, r.orders, r.total])).toEqual([
        ['Eun-ji', '1', 980], ['Chloé', '2', 315.99], ['Farah', '1', 230.4], ['Ada', '3', 200.5], ['Bob', '1', 75], ['Dmitri', '1', 42.1],
      ]);
    }
    ok(await runAsync('npm', ['run', '--silent', 'validate'], project), 'npm run validate');
  }, 240_000);

  it('refuses a folder that is not empty, naming it and the fix, without touching it', async () => {
    const taken = join(work, 'taken');
    mkdirSync(taken);
    writeFileSync(join(taken, 'notes.txt'), 'mine');
    const r = await runAsync(process.execPath, [SHIM, 'init', taken], work);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`${taken} already exists and is not empty`);
    expect(r.stderr).toContain('choose a new folder');
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(readFileSync(join(taken, 'notes.txt'), 'utf8')).toBe('mine');
  });

  it('the pype shim says how to build when dist/ is missing (a checkout right after pnpm install)', async () => {
    const unbuilt = join(work, 'unbuilt-cli');
    mkdirSync(unbuilt);
    cpSync(join(ROOT, 'packages/cli/bin'), join(unbuilt, 'bin'), { recursive: true });
    writeFileSync(join(unbuilt, 'package.json'), JSON.stringify({ type: 'module' }));
    const r = await runAsync(process.execPath, [join(unbuilt, 'bin/pype.js'), '--version'], work);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('@pypeline/cli is not built yet');
    expect(r.stderr).toContain('run `pnpm build`');
  });
});
