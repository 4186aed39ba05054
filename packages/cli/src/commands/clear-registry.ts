import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { readRegistryFile, REGISTRY_FILE, writeRegistryFile } from '@pypeline/core';

export function registerClearRegistry(program: Command): void {
  program
    .command('clear-registry')
    .description(`empty ${REGISTRY_FILE} (installed packages are not touched; \`pype build\` does not need the file)`)
    .option('-r, --registry <file>', 'registry file to clear', REGISTRY_FILE)
    .action((opts: { registry: string }) => {
      const file = resolve(opts.registry);
      if (!existsSync(file)) {
        process.stdout.write(`✓ nothing to clear: ${opts.registry} does not exist\n`);
        return;
      }
      // A corrupt file is cleared too: that is how a user recovers from one.
      let count = 0;
      try {
        count = Object.keys(readRegistryFile(file)).length;
      } catch {
        count = 0;
      }
      writeRegistryFile(file, {});
      process.stdout.write(`✓ cleared ${opts.registry} (${count} module${count === 1 ? '' : 's'} removed); rebuild it with \`pype auto-register\`\n`);
    });
}
