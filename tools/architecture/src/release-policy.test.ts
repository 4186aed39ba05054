import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

// The release policy in docs/releasing.md, tried with the real changesets CLI on a copy of the
// workspace's manifests: an SDK minor must not force a release of every module (a module's peer
// range takes the SDK's whole major line), an SDK major must.
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const CHANGESET = join(ROOT, 'node_modules/.bin/changeset');
const work = mkdtempSync(join(tmpdir(), 'pype-release-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const GROUPS = ['packages', 'modules', 'tools'];

function packageDirs(root: string): string[] {
  return [...GROUPS.flatMap((group) => readdirSync(join(root, group)).map((dir) => `${group}/${dir}`)), 'bench'].filter((rel) => existsSync(join(root, rel, 'package.json')));
}

/** Versions after `changeset version` with one changeset bumping the SDK by `bump`. */
function versionsAfterSdk(bump: 'minor' | 'major'): Map<string, string> {
  const copy = join(work, bump);
  mkdirSync(join(copy, '.changeset'), { recursive: true });
  for (const file of ['package.json', 'pnpm-workspace.yaml', '.changeset/config.json']) cpSync(join(ROOT, file), join(copy, file));
  for (const rel of packageDirs(ROOT)) {
    mkdirSync(join(copy, rel), { recursive: true });
    cpSync(join(ROOT, rel, 'package.json'), join(copy, rel, 'package.json'));
  }
  writeFileSync(join(copy, '.changeset/sdk.md'), `---\n"@pypeline/sdk": ${bump}\n---\n\nAn SDK change.\n`);
  const r = spawnSync(CHANGESET, ['version'], { cwd: copy, encoding: 'utf8', timeout: 120_000 });
  expect(r.status, `${r.stdout}\n${r.stderr}`).toBe(0);
  return new Map(packageDirs(copy).map((rel) => {
    const pkg = JSON.parse(readFileSync(join(copy, rel, 'package.json'), 'utf8'));
    return [pkg.name as string, pkg.version as string];
  }));
}

const before = new Map(packageDirs(ROOT).map((rel) => {
  const pkg = JSON.parse(readFileSync(join(ROOT, rel, 'package.json'), 'utf8'));
  return [pkg.name as string, { version: pkg.version as string, peer: pkg.peerDependencies?.['@pypeline/sdk'] as string | undefined }];
}));
const modules = [...before.keys()].filter((name) => name.startsWith('@pypeline/mod-'));
const major = (v: string) => Number(v.split('.')[0]);

describe('release policy (docs/releasing.md)', () => {
  it('every module takes the SDK as a peer over its whole major line', () => {
    const sdkMajor = major(before.get('@pypeline/sdk')!.version);
    expect(modules.length).toBeGreaterThan(10);
    const wrong = modules.filter((name) => before.get(name)!.peer !== `workspace:^${sdkMajor}`).map((name) => `${name}: ${before.get(name)!.peer}`);
    expect(wrong, 'peerDependencies["@pypeline/sdk"] should be workspace:^<SDK major>').toEqual([]);
  });

  it('an SDK minor releases no module', () => {
    const after = versionsAfterSdk('minor');
    expect(after.get('@pypeline/sdk')).not.toBe(before.get('@pypeline/sdk')!.version);
    const bumped = modules.filter((name) => after.get(name) !== before.get(name)!.version).map((name) => `${name} ${before.get(name)!.version} → ${after.get(name)}`);
    expect(bumped).toEqual([]);
  }, 180_000);

  it('an SDK major releases every module as a major', () => {
    const after = versionsAfterSdk('major');
    const notMajor = modules.filter((name) => major(after.get(name)!) <= major(before.get(name)!.version) && after.get(name) === before.get(name)!.version);
    expect(notMajor).toEqual([]);
  }, 180_000);
});
