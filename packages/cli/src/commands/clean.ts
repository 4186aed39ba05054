import type { Command } from 'commander';
import { cleanJob } from '@pypeline/core';

export function registerClean(program: Command): void {
  program
    .command('clean')
    .description("remove a job's leftover checkpoint and stale lock, and orphaned spill folders")
    .argument('<job>', 'job folder')
    .option('--logs', 'also remove the run logs')
    .action((job: string, opts: { logs?: boolean }) => {
      const removed = cleanJob(job, { logs: opts.logs ?? false });
      if (!removed.length) process.stdout.write(`✓ nothing to clean in ${job}\n`);
      for (const r of removed) process.stdout.write(`✓ removed ${r}\n`);
    });
}
