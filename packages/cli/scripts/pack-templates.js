#!/usr/bin/env node
// prepack: copies the repository's templates/ into this package (so `pype new-module` works
// from a published @pypeline/cli) with versions.json, the @pypeline versions a standalone
// module should depend on. postpack (`--clean`) removes the copy again.
import { cpSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { versionsFromRepo, VERSIONS_FILE } from '../dist/scaffold/locate-templates.js';

const repo = fileURLToPath(new URL('../../..', import.meta.url));
const target = fileURLToPath(new URL('../templates', import.meta.url));
rmSync(target, { recursive: true, force: true });
if (!process.argv.includes('--clean')) {
  cpSync(join(repo, 'templates'), target, { recursive: true });
  writeFileSync(join(target, VERSIONS_FILE), `${JSON.stringify(versionsFromRepo(repo), null, 2)}\n`);
}
