import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { devEnv, fakeMonorepo, linkToolchain, output, pype, runAsync, runScript, type Finished } from './scaffold-helpers.js';

function ok(r: Finished, what: string): void {
  expect(r.status, `${what}\n${output(r)}`).toBe(0);
}

const CASES = [
  { name: 'csv_source', snake: 'csv_source', type: 'source', category: 'Sources', ports: { input_ports: [], output_ports: ['data'] } },
  { name: 'TrimRows', snake: 'trim_rows', type: 'mod', category: 'Text', ports: { input_ports: ['input'], output_ports: ['output'] } },
  { name: 'jsonl-sink', snake: 'jsonl_sink', type: 'sink', category: 'Sinks', ports: { input_ports: ['input'], output_ports: [] } },
  { name: 'notify_solo', snake: 'notify_solo', type: 'solo', category: 'Utilities', ports: { input_ports: [], output_ports: [] } },
] as const;

// A standalone (third-party) scaffold is built, tested and published by publish.test.ts.
describe('pype new-module inside the monorepo', { timeout: 180_000 }, () => {
  const root = fakeMonorepo();
  const dirOf = (snake: string) => join(root, 'modules', snake.replace(/_/g, '-'));
  const created = new Map<string, string>();

  // Scaffold every type into one throw-away monorepo, then build them side by side.
  beforeAll(async () => {
    for (const c of CASES) {
      const args = ['new-module', c.name, ...(c.type === 'mod' ? ['--type', 'mod', '--category', c.category] : [])];
      const r = pype(args, root);
      ok(r, `pype ${args.join(' ')}`);
      created.set(c.snake, r.stdout);
      linkToolchain(dirOf(c.snake), root);
    }
    const builds = await Promise.all(CASES.map((c) => runScript(dirOf(c.snake), 'build')));
    builds.forEach((r, i) => ok(r, `build of ${CASES[i].snake}`));
  }, 400_000);

  it.each(CASES)('a $type module: workspace package, TODO markers, changeset, manifest from its types, own tests pass', async ({ snake, type, category, ports }) => {
    const kebab = snake.replace(/_/g, '-');
    const dir = dirOf(snake);
    expect(created.get(snake)).toContain(`✓ created @pypeline/mod-${kebab} (${type} module "${snake}") in modules/${kebab} (workspace package)`);
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    expect(pkg).toMatchObject({ name: `@pypeline/mod-${kebab}`, keywords: expect.arrayContaining(['pypeline-module']), peerDependencies: { '@pypeline/sdk': 'workspace:^0' } });
    expect(pkg.devDependencies).toMatchObject({ '@pypeline/sdk': 'workspace:^', '@pypeline/codegen': 'workspace:^' });
    expect(readFileSync(join(dir, 'tsconfig.json'), 'utf8')).toContain('"extends": "../../tsconfig.base.json"');
    for (const f of ['src/index.ts', 'src/config.ts', 'src/index.test.ts', 'README.md']) expect(readFileSync(join(dir, f), 'utf8'), f).toContain('TODO:');
    expect(readFileSync(join(root, '.changeset', `${kebab}-initial.md`), 'utf8')).toContain(`"@pypeline/mod-${kebab}": minor`);

    const manifest = JSON.parse(readFileSync(join(dir, 'pypeline.manifest.json'), 'utf8'));
    expect(manifest).toMatchObject({ sdk_api: 1, name: snake, type, category, ...ports });
    expect(Object.keys(manifest.config_schema.required)).toHaveLength(1);
    ok(await runScript(dir, 'test'), `tests of ${snake}`);
  });

  it('the generated sources and tests of every type typecheck', async () => {
    // One compiler run over the four packages' `typecheck` inputs (their tsconfig.json).
    const file = join(root, 'tsconfig.check.json');
    writeFileSync(file, JSON.stringify({ extends: './tsconfig.base.json', compilerOptions: { noEmit: true, types: ['node'] }, include: ['modules/*/src'] }));
    ok(await runAsync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', file], root), 'tsc over modules/*/src');
  });

  it('the committed manifests pass codegen:check under CI', async () => {
    const r = await runScript(dirOf('notify_solo'), 'codegen:check', devEnv({ CI: 'true' }));
    ok(r, 'codegen:check');
    expect(r.stdout).toContain('is up to date');
  });

  it('refuses a name it cannot use or an installed module has, a type it does not know and a folder that already exists', () => {
    const bad = pype(['new-module', '9lives'], root);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain('✗ "9lives" is not a usable module name');
    expect(bad.stderr).toContain('fix: use lowercase letters, digits and single underscores');
    const again = pype(['new-module', 'notify_solo'], root);
    expect(again.status).toBe(1);
    expect(again.stderr).toMatch(/modules\/notify-solo already exists and is not empty/);
    const clash = pype(['new-module', 'trim_rows', '--dir', 'elsewhere'], root);
    expect(clash.status).toBe(1);
    expect(clash.stderr).toContain('✗ module name "trim_rows" is taken: @pypeline/mod-trim-rows@0.0.0 is installed here');
    expect(clash.stderr).toContain('fix: give it a name of its own, e.g. my_trim_rows');
    const type = pype(['new-module', 'x', '--type', 'filter'], root);
    expect(type.status).toBe(1);
    expect(type.stderr).toContain('Allowed choices are source, mod, sink, solo');
  });
});

describe('pype new-module inside a project of one\'s own', () => {
  it('gives the standalone package the project\'s registry settings, not its credentials', () => {
    const project = mkdtempSync(join(tmpdir(), 'pype-own-'));
    writeFileSync(join(project, 'package.json'), '{"name":"my-etl","private":true}');
    writeFileSync(join(project, '.npmrc'), '@acme:registry=http://127.0.0.1:4873/\n//127.0.0.1:4873/:_authToken=SECRET\n');
    const r = pype(['new-module', 'greet_source', '--scope', '@acme'], project);
    expect(r.status, output(r)).toBe(0);
    const rc = readFileSync(join(project, 'pypeline-mod-greet-source/.npmrc'), 'utf8');
    expect(rc).toContain('@acme:registry=http://127.0.0.1:4873/');
    expect(rc).not.toContain('SECRET');
  });
});
