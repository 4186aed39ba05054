import { relative } from 'node:path';
import { type Command, Option } from 'commander';
import { scaffoldModule } from '../scaffold/scaffold-module.js';
import { MODULE_TYPES, type ModuleType } from '../scaffold/module-names.js';

interface NewModuleOptions {
  type?: ModuleType;
  category?: string;
  description?: string;
  dir?: string;
  scope?: string;
  standalone?: boolean;
  allowClash?: boolean;
}

export function registerNewModule(program: Command): void {
  program
    .command('new-module')
    .description('scaffold a module package that builds, generates its manifest and passes its own tests')
    .argument('<name>', 'module name, e.g. csv_source (the package becomes @pypeline/mod-csv-source or pypeline-mod-csv-source)')
    .addOption(new Option('-t, --type <type>', 'module type (default: from the name\'s suffix, else mod)').choices(MODULE_TYPES))
    .option('-c, --category <name>', 'UI group, e.g. "File Sources" (default: by type)')
    .option('--description <text>', 'one sentence on what the module does (default: a TODO)')
    .option('-d, --dir <folder>', 'the package folder to create (default: modules/<name> in the PYpeline repository, else ./pypeline-mod-<name>)')
    .option('--scope <scope>', 'npm scope of a standalone package, e.g. @acme → @acme/pypeline-mod-<name>')
    .option('--standalone', 'create a third-party package depending on published @pypeline packages, even inside the repository')
    .option('--allow-clash', 'create it even when an installed module has the same name (flows then choose with package:)')
    .action(async (name: string, opts: NewModuleOptions) => {
      const cwd = process.cwd();
      const r = await scaffoldModule({ name, ...opts, cwd });
      const rel = relative(cwd, r.dir) || '.';
      const out = (line = '') => process.stdout.write(`${line}\n`);
      out(`✓ created ${r.packageName} (${r.type} module "${r.moduleName}") in ${rel}${r.monorepoRoot ? ' (workspace package)' : ''}`);
      for (const file of r.files) out(`  + ${relative(cwd, file)}`);
      out('\nnext:');
      const steps = r.monorepoRoot
        ? [
          'pnpm install                                  # link the new workspace package',
          `pnpm nx test ${r.packageName}     # build (tsc + pypeline-codegen), then its tests`,
          `edit the TODO: markers in ${rel}/src`,
          `pnpm add -w ${r.packageName}@workspace:*   # to use it in flows run from the repository root`,
        ]
        : [
          `cd ${rel}`,
          'npm install',
          'npm test                 # build (tsc + pypeline-codegen), then its tests',
          'edit the TODO: markers in src/, then publish: see docs/publishing.md',
        ];
      for (const step of steps) out(`  ${step}`);
    });
}
