import { spawnSync } from 'node:child_process';
import { relative } from 'node:path';
import type { Command } from 'commander';
import { PypeError } from '@pypeline/core';
import { initProject } from '../scaffold/init-project.js';

interface InitOptions {
  name?: string;
  install?: boolean;
}

export function registerInit(program: Command): void {
  program
    .command('init')
    .description('create a project of your own: package.json with the CLI and the standard modules, an example flow (YAML and TypeScript) and its data')
    .argument('<folder>', 'the project folder to create, e.g. my-etl')
    .option('--name <name>', 'the package name (default: the folder name)')
    .option('--install', 'run npm install in it afterwards')
    .action((folder: string, opts: InitOptions) => {
      const cwd = process.cwd();
      const r = initProject({ dir: folder, name: opts.name });
      const out = (line = '') => process.stdout.write(`${line}\n`);
      const inside = relative(cwd, r.dir);
      const rel = inside === '' ? '.' : inside.startsWith('..') ? r.dir : inside;
      const modules = Object.keys(r.dependencies).filter((name) => /\/mod-/.test(name)).length;
      out(`✓ created ${r.name} in ${rel}: the pype CLI and ${modules} modules (${r.source === 'checkout' ? 'linked to this PYpeline checkout, which must stay built' : 'from the registry'})`);
      for (const file of r.files) out(`  + ${file}`);
      if (opts.install) {
        out('\nnpm install …');
        const installed = spawnSync('npm', ['install', '--no-audit', '--no-fund'], { cwd: r.dir, stdio: 'inherit' });
        if (installed.status !== 0) throw new PypeError(`npm install failed in ${rel} (exit ${installed.status ?? installed.signal})`, { hint: `fix what npm printed above, then run npm install in ${rel}` });
      }
      out('\nnext:');
      if (rel !== '.') out(`  cd ${rel}`);
      if (!opts.install) out('  npm install');
      out('  npx pype run flows/orders.yaml    # → out/customers.parquet');
      out('  npx pype run flows/orders.ts      # the same flow in TypeScript');
    });
}
