import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalRegistry, type LocalRegistry } from './local-registry.js';
import { devEnv, output, ROOT, runAsync, type Finished } from './scaffold-helpers.js';

// `pnpm release` (scripts/release.mjs) run twice against a local npm registry (Verdaccio), on a
// copy of the workspace so the checkout's versions and changesets stay as they are: the first
// release publishes every public package, the second only what its changeset bumps; a project
// made by the published CLI's `pype init` installs the first, `pype add` picks up the second.
const NPM_FLAGS = ['--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'];
const GROUPS = ['packages', 'modules', 'tools'];

function ok(r: Finished, what: string): void {
  expect(r.status, `${what}\n${output(r)}`).toBe(0);
}

function packageDirs(root: string): string[] {
  return [...GROUPS.flatMap((g) => readdirSync(join(root, g)).map((d) => `${g}/${d}`)), 'bench'].filter((rel) => existsSync(join(root, rel, 'package.json')));
}

/**
 * The workspace as a release sees it — manifests, built dist/, templates, changesets — installed
 * from the pnpm store without scripts (seconds), so its workspace links point at the copy.
 */
async function copyWorkspace(dest: string): Promise<void> {
  for (const file of ['package.json', 'pnpm-workspace.yaml', 'pnpm-lock.yaml', '.npmrc', '.changeset', 'templates']) cpSync(join(ROOT, file), join(dest, file), { recursive: true });
  for (const rel of packageDirs(ROOT)) cpSync(join(ROOT, rel), join(dest, rel), { recursive: true, filter: (src) => !src.includes('/node_modules') });
  ok(await runAsync('pnpm', ['install', '--offline', '--frozen-lockfile', '--ignore-scripts'], dest), 'pnpm install in the copy');
}

describe('pnpm release through a local npm registry', () => {
  let registry: LocalRegistry;
  let work: string;
  let npmrc: string;

  beforeAll(async () => {
    registry = await startLocalRegistry();
    work = mkdtempSync(join(tmpdir(), 'pype-release-'));
    const userrc = join(homedir(), '.npmrc');
    npmrc = `${existsSync(userrc) ? `${readFileSync(userrc, 'utf8')}\n` : ''}${registry.npmrc(['@pypeline'])}`;
  }, 90_000);

  afterAll(async () => {
    await registry?.stop();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('publishes every package, then only what a changeset bumps; a project installs the first and adds the second', async () => {
    const repo = join(work, 'repo');
    await copyWorkspace(repo);
    writeFileSync(join(repo, '.npmrc'), `${readFileSync(join(repo, '.npmrc'), 'utf8')}\n${npmrc}`);
    const env = devEnv({ npm_config_userconfig: join(repo, '.npmrc') });
    const release = (args: string[] = []) => runAsync(process.execPath, [join(ROOT, 'scripts/release.mjs'), '--no-build', ...args], repo, env);
    const publicPackages = () => packageDirs(repo).map((rel) => JSON.parse(readFileSync(join(repo, rel, 'package.json'), 'utf8'))).filter((p) => !p.private);
    const onRegistry = async (name: string) => {
      const res = await fetch(new URL(name.replace('/', '%2f'), registry.url));
      return res.ok ? Object.keys(((await res.json()) as { versions: object }).versions).sort() : [];
    };

    // 1. The first release versions the pending changesets and publishes every public package.
    const pendingBefore = readdirSync(join(repo, '.changeset')).filter((f) => f.endsWith('.md') && f !== 'README.md');
    const first = await release();
    ok(first, 'first pnpm release');
    expect(readdirSync(join(repo, '.changeset')).filter((f) => f.endsWith('.md') && f !== 'README.md')).toEqual([]);
    const released = publicPackages();
    expect(released.length).toBeGreaterThan(20);
    expect(first.stdout).toContain(`✓ published ${released.length} package(s):`);
    if (pendingBefore.length) expect(first.stdout).toContain(`version ${pendingBefore.length} changeset(s)`);
    for (const p of released) expect(await onRegistry(p.name), p.name).toEqual([p.version]);
    const filterBefore = released.find((p) => p.name === '@pypeline/mod-filter-mod')!.version;
    // The published module takes the SDK over its major line, not the workspace protocol.
    const packument = await (await fetch(new URL('@pypeline%2fmod-filter-mod', registry.url))).json() as { versions: Record<string, { peerDependencies: Record<string, string> }> };
    expect(packument.versions[filterBefore].peerDependencies['@pypeline/sdk']).toMatch(/^\^\d+$/);

    // Running it again with nothing pending publishes nothing.
    const again = await release();
    ok(again, 'pnpm release with nothing pending');
    expect(again.stdout).toContain('✓ nothing to publish');

    // 2. A project from the published CLI installs the released palette and runs its example.
    const cli = join(work, 'cli');
    cpSync(join(repo, '.npmrc'), join(work, '.npmrc'));
    const npm = (args: string[], cwd: string) => runAsync('npm', [...args, ...NPM_FLAGS], cwd, env);
    ok(await runAsync('npm', ['exec', '--yes', ...NPM_FLAGS, '--package', '@pypeline/cli', '--', 'pype', 'init', cli], work, env), 'npx -p @pypeline/cli pype init');
    writeFileSync(join(cli, '.npmrc'), registry.npmrc(['@pypeline']).split('\n').filter((l) => !l.includes('_authToken')).join('\n'));
    ok(await npm(['install'], cli), 'npm install in the new project');
    const pype = (args: string[]) => runAsync(join(cli, 'node_modules/.bin/pype'), args, cli, env);
    const ran = await pype(['run', 'flows/orders.yaml']);
    ok(ran, 'pype run flows/orders.yaml');
    expect(ran.stdout).toContain('✓ orders succeeded');

    // 3. A fix to one module, with its changeset: the second release publishes that module only.
    writeFileSync(join(repo, '.changeset/filter-fix.md'), '---\n"@pypeline/mod-filter-mod": patch\n---\n\nfilter_mod: a fix.\n');
    const second = await release();
    ok(second, 'second pnpm release');
    const filterAfter = JSON.parse(readFileSync(join(repo, 'modules/filter-mod/package.json'), 'utf8')).version;
    expect(filterAfter).not.toBe(filterBefore);
    expect(second.stdout).toContain('✓ published 1 package(s):');
    expect(second.stdout).toContain(`  @pypeline/mod-filter-mod@${filterAfter}`);
    expect(await onRegistry('@pypeline/mod-filter-mod')).toEqual([filterBefore, filterAfter].sort());
    expect(readFileSync(join(repo, 'modules/filter-mod/CHANGELOG.md'), 'utf8')).toContain('filter_mod: a fix.');

    // 4. The project finds it and adds the new version; its flow still runs.
    const searched = await pype(['search', 'filter', '--registry', registry.url]);
    ok(searched, 'pype search filter');
    expect(searched.stdout).toMatch(new RegExp(`@pypeline/mod-filter-mod\\s+${filterAfter.replace(/\./g, '\\.')}`));
    const added = await pype(['add', 'filter_mod@latest']);
    ok(added, 'pype add filter_mod@latest');
    expect(added.stdout).toContain(`✓ added filter_mod (mod, `);
    expect(added.stdout).toContain(`from @pypeline/mod-filter-mod@${filterAfter}`);
    const rerun = await pype(['run', 'flows/orders.yaml']);
    ok(rerun, 'pype run after the upgrade');
    expect(rerun.stdout).toContain('✓ orders succeeded');
  }, 1_200_000); // packs, publishes and installs ~30 packages twice: minutes on a loaded 2-core machine
});
