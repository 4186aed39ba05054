#!/usr/bin/env node
// `pnpm release`: versions every package from the pending changesets, builds, and publishes
// each public package whose version is not on its registry yet — in one command, with a summary.
//
//   pnpm release              # version, build, publish (to the registry npm is configured with)
//   pnpm release --dry-run    # version and pack, publish nothing
//   pnpm release --no-build   # the packages are built already
//
// Publishing goes through `pnpm publish -r`, which skips versions the registry has, replaces
// `workspace:` ranges and runs each package's prepack; a release that stops half-way (network,
// auth) is finished by running it again.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const args = new Set(process.argv.slice(2));
const unknown = [...args].filter((a) => !['--dry-run', '--no-build', '--help'].includes(a));
if (args.has('--help') || unknown.length) {
  process.stderr.write(`${unknown.length ? `unknown option ${unknown.join(' ')}\n` : ''}usage: pnpm release [--dry-run] [--no-build]\n`);
  process.exit(unknown.length ? 2 : 0);
}
const dryRun = args.has('--dry-run');
const cwd = process.cwd();
const tools = fileURLToPath(new URL('../node_modules/.bin/', import.meta.url));

function run(what, command, commandArgs) {
  process.stdout.write(`\n▶ ${what}: ${command} ${commandArgs.join(' ')}\n`);
  const r = spawnSync(command, commandArgs, { cwd, stdio: 'inherit', env: process.env });
  if (r.status !== 0) {
    process.stderr.write(`\n✗ release stopped: ${what} failed (exit ${r.status ?? r.signal})\n  fix: correct what is printed above and run \`pnpm release\` again; versions already published are skipped\n`);
    process.exit(1);
  }
}

const pending = existsSync(join(cwd, '.changeset')) ? readdirSync(join(cwd, '.changeset')).filter((f) => f.endsWith('.md') && f !== 'README.md') : [];
if (pending.length) run(`version ${pending.length} changeset(s)`, join(tools, 'changeset'), ['version']);
else process.stdout.write('no pending changesets: publishing the versions in package.json that the registry lacks\n');

if (!args.has('--no-build')) run('build', 'pnpm', ['nx', 'run-many', '-t', 'build', '--output-style=static']);

const summaryFile = join(cwd, 'pnpm-publish-summary.json');
rmSync(summaryFile, { force: true });
run(dryRun ? 'pack (dry run)' : 'publish', 'pnpm', ['publish', '-r', '--access', 'public', '--no-git-checks', '--report-summary', ...(dryRun ? ['--dry-run'] : [])]);
const published = existsSync(summaryFile) ? JSON.parse(readFileSync(summaryFile, 'utf8')).publishedPackages ?? [] : [];
rmSync(summaryFile, { force: true });
process.stdout.write(published.length
  ? `\n✓ ${dryRun ? 'would publish' : 'published'} ${published.length} package(s):\n${published.map((p) => `  ${p.name}@${p.version}`).join('\n')}\n`
  : '\n✓ nothing to publish: every version is on the registry already\n');
if (!dryRun && published.length && existsSync(join(cwd, '.git'))) run('tag', join(tools, 'changeset'), ['tag']);
