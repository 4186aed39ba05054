import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalRegistry, type LocalRegistry } from './local-registry.js';
import { devEnv, linkToolchain, output, ROOT, runAsync, type Finished } from './scaffold-helpers.js';
import { versionsFromRepo } from '../scaffold/locate-templates.js';
import { platformPackages, stagePackage } from './stage-package.js';

// A real npm registry (Verdaccio) on 127.0.0.1 serves @pypeline/* and @acme/*; npm fetches the
// other dependencies (apache-arrow, commander, ...) from its usual registry and cache.
const SCOPES = ['@pypeline', '@acme'];
const NPM_FLAGS = ['--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'];

function ok(r: Finished, what: string): void {
  expect(r.status, `${what}\n${output(r)}`).toBe(0);
}

describe('publishing a third-party module through a local npm registry', () => {
  let registry: LocalRegistry;
  let work: string;
  let publishrc: string;

  beforeAll(async () => {
    registry = await startLocalRegistry();
    work = mkdtempSync(join(tmpdir(), 'pype-publish-'));
    publishrc = join(work, 'publish.npmrc');
    // The machine's own npm settings (such as nodedir, for native addons built without a
    // download) still apply; the registry lines come after them.
    const userrc = join(homedir(), '.npmrc');
    writeFileSync(publishrc, `${existsSync(userrc) ? `${readFileSync(userrc, 'utf8')}\n` : ''}${registry.npmrc(SCOPES)}`);
  }, 90_000);

  afterAll(async () => {
    await registry?.stop();
    // The project's node_modules and the registry's storage are large; keep no copies.
    if (work) rmSync(work, { recursive: true, force: true });
  });

  const npm = (args: string[], cwd: string) => runAsync('npm', [...args, ...NPM_FLAGS], cwd, devEnv({ npm_config_userconfig: publishrc }));

  it('publishes PYpeline and a scaffolded module; a fresh project installs both, auto-registers and runs a flow', async () => {
    // 1. The platform packages, as `pnpm publish` would pack them.
    const platform = platformPackages(['@pypeline/cli', '@pypeline/codegen']);
    const staged = platform.map((rel) => stagePackage(rel, join(work, 'stage')));
    const published = await Promise.all(staged.map((dir) => npm(['publish', dir], work)));
    published.forEach((r, i) => ok(r, `publish ${platform[i]}`));

    // 2. A fresh project installs the CLI from the registry.
    const project = join(work, 'my-etl');
    mkdirSync(project);
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'my-etl', private: true, type: 'module' }));
    writeFileSync(join(project, '.npmrc'), registry.npmrc(SCOPES).split('\n').filter((l) => !l.includes('_authToken')).join('\n'));
    ok(await npm(['install', '@pypeline/cli'], project), 'npm install @pypeline/cli');
    const pype = (args: string[], cwd = project) => runAsync(join(project, 'node_modules/.bin/pype'), args, cwd);

    // 3. A third party scaffolds a module with the published CLI, outside any workspace.
    ok(await pype(['new-module', 'greet_source', '--scope', '@acme', '--description', 'Emits greeting rows'], work), 'pype new-module');
    const author = join(work, 'pypeline-mod-greet-source');
    const pkg = JSON.parse(readFileSync(join(author, 'package.json'), 'utf8'));
    expect(pkg.name).toBe('@acme/pypeline-mod-greet-source');
    expect(pkg.peerDependencies['@pypeline/sdk']).toMatch(/^\^\d+$/);
    expect(pkg.devDependencies).toMatchObject({ '@pypeline/codegen': expect.stringMatching(/^\^\d/), typescript: expect.any(String), vitest: expect.any(String) });
    expect(JSON.stringify(pkg)).not.toContain('workspace:');
    for (const f of ['.gitignore', '.changeset/config.json', '.changeset/greet-source-initial.md', 'README.md']) expect(existsSync(join(author, f)), f).toBe(true);

    // 4. ...runs its tests, which build it first (tsc + codegen; the toolchain is linked in
    // place of `npm install`), and publishes it.
    linkToolchain(author);
    ok(await runAsync('npm', ['test'], author), 'npm test in the module');
    ok(await npm(['publish', '--ignore-scripts'], author), 'npm publish the module');

    // 5. The project finds the module with `pype search` and installs it with `pype add`, which
    // registers it and prints its config; the SDK is a peer, so one copy.
    const searched = await pype(['search', 'greeting', '--registry', registry.url]);
    ok(searched, 'pype search greeting');
    expect(searched.stdout).toMatch(/@acme\/pypeline-mod-greet-source\s+0\.0\.0\s+Emits greeting rows/);
    expect(searched.stdout).not.toContain('@pypeline/cli'); // a package without the pypeline-module keyword
    const none = await pype(['search', 'no-such-word-anywhere', '--registry', registry.url]);
    ok(none, 'pype search with no match');
    expect(none.stdout).toContain('no module packages found for "no-such-word-anywhere"');
    const added = await pype(['add', '@acme/pypeline-mod-greet-source']);
    ok(added, 'pype add');
    expect(added.stdout).toContain('✓ added greet_source (source, Sources) from @acme/pypeline-mod-greet-source@0.0.0: Emits greeting rows');
    expect(added.stdout).toMatch(/required:\n\s+rows\s+— How many rows to produce/);
    expect(JSON.parse(readFileSync(join(project, 'package.json'), 'utf8')).dependencies['@acme/pypeline-mod-greet-source']).toBeDefined();
    expect(JSON.parse(readFileSync(join(project, 'ModRegistry.json'), 'utf8')).greet_source).toBeDefined();
    const removed = await pype(['remove', '@acme/pypeline-mod-greet-source']);
    ok(removed, 'pype remove');
    expect(JSON.parse(readFileSync(join(project, 'ModRegistry.json'), 'utf8')).greet_source).toBeUndefined();
    ok(await pype(['add', '@acme/pypeline-mod-greet-source@^0.0.0']), 'pype add with a range');
    expect(existsSync(join(project, 'node_modules/@pypeline/sdk/package.json'))).toBe(true);
    expect(existsSync(join(project, 'node_modules/@acme/pypeline-mod-greet-source/node_modules/@pypeline/sdk'))).toBe(false);

    // 6. auto-register finds it and imports it in a child to see it loads; a flow using it builds and runs.
    const registered = await runAsync('npx', ['--no-install', 'pype', 'auto-register'], project);
    ok(registered, 'pype auto-register');
    expect(registered.stdout).toMatch(/greet_source\s+source\s+Sources\s+@acme\/pypeline-mod-greet-source@0\.0\.0\s+ok\s+Emits greeting rows/);
    const entry = JSON.parse(readFileSync(join(project, 'ModRegistry.json'), 'utf8')).greet_source;
    expect(entry).toMatchObject({ module_path: '@acme/pypeline-mod-greet-source', type: 'source', output_ports: ['data'], packages: ['apache-arrow'] });
    expect(entry.config_schema.required.rows).toEqual({ type: 'integer', description: 'How many rows to produce' });

    writeFileSync(join(project, 'greetings.yaml'), 'flow:\n  name: greetings\nmodules:\n  - id: greet\n    name: greet_source\n    configs:\n      required: { rows: 4 }\n');
    ok(await pype(['build', 'greetings.yaml']), 'pype build');
    const dag = JSON.parse(readFileSync(join(project, 'jobs/greetings/greetings_dag.json'), 'utf8'));
    expect(dag.nodes.greet).toMatchObject({ package: '@acme/pypeline-mod-greet-source', version: '0.0.0' });
    const run = await pype(['run', 'jobs/greetings']);
    ok(run, 'pype run');
    expect(run.stdout).toMatch(/✓ greet#0\s+.*→ 4 rows/);
    expect(run.stdout).toContain('✓ greetings succeeded');

    // 7. `pype init` with the installed CLI: a project depending on the published palette, which
    // installs from the registry and runs its example flows.
    const palette = platformPackages(Object.keys(versionsFromRepo(ROOT).project)).filter((rel) => !platform.includes(rel));
    const more = await Promise.all(palette.map((rel) => npm(['publish', stagePackage(rel, join(work, 'stage'))], work)));
    more.forEach((r, i) => ok(r, `publish ${palette[i]}`));
    ok(await pype(['init', 'from-registry'], work), 'pype init');
    const own = join(work, 'from-registry');
    const ownPkg = JSON.parse(readFileSync(join(own, 'package.json'), 'utf8'));
    expect(ownPkg.dependencies['@pypeline/mod-csv-source']).toMatch(/^\^\d+\.\d+\.\d+$/);
    writeFileSync(join(own, '.npmrc'), readFileSync(join(project, '.npmrc'), 'utf8'));
    ok(await npm(['install'], own), 'npm install in the project pype init made');
    for (const flow of ['flows/orders.yaml', 'flows/orders.ts']) {
      const example = await runAsync(join(own, 'node_modules/.bin/pype'), ['run', flow], own);
      ok(example, `pype run ${flow}`);
      expect(example.stdout).toMatch(/✓ orders(_ts)? succeeded/);
    }
  }, 1_200_000); // packs, publishes and installs ~30 packages: minutes on a loaded 2-core machine
});
