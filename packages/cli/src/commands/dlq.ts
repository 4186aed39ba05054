import type { Command } from 'commander';
import { PypeError } from '@pypeline/core';
import { assertRedisReachable, DEFAULT_REDIS_URL, DeadLetterQueue, deadLetterQueueName, queueFromEnv, type DeadLetter } from '@pypeline/executor-bullmq';

interface DlqCliOptions {
  redis?: string;
  queue?: string;
  json?: boolean;
  all?: boolean;
}

export function registerDlq(program: Command): void {
  const dlq = program.command('dlq').description('inspect, retry or drop tasks that failed for good on the worker queue');
  const common = (cmd: Command) =>
    cmd
      .option('--redis <url>', `Redis (default: PYPE_REDIS_URL, else ${DEFAULT_REDIS_URL})`)
      .option('--queue <name>', 'work queue whose dead letters to use (default: PYPE_QUEUE, else pype)');

  common(dlq.command('list').description('list dead letters: task, error, attempts').option('--json', 'print them as JSON (with the serialised task)')).action((opts: DlqCliOptions) =>
    withQueue(opts, async (q) => {
      const letters = await q.list();
      if (opts.json) return void process.stdout.write(`${JSON.stringify(letters, null, 2)}\n`);
      if (!letters.length) return void process.stdout.write(`✓ ${deadLetterQueueName(q.queue)} is empty\n`);
      for (const l of letters) process.stdout.write(`${describe(l)}\n`);
      process.stdout.write(`${letters.length} dead letter${letters.length === 1 ? '' : 's'}; retry with \`pype dlq retry <id>\`, remove with \`pype dlq drop <id>\`\n`);
    }),
  );

  common(dlq.command('retry').description('put dead letters back on the work queue').argument('[ids...]', 'dead letter ids (see `pype dlq list`)').option('--all', 'every dead letter')).action((ids: string[], opts: DlqCliOptions) =>
    withQueue(opts, async (q) => {
      for (const id of await q.retry(chosen(ids, opts))) process.stdout.write(`✓ queued again as ${id}\n`);
    }),
  );

  common(dlq.command('drop').description('delete dead letters').argument('[ids...]', 'dead letter ids (see `pype dlq list`)').option('--all', 'every dead letter')).action((ids: string[], opts: DlqCliOptions) =>
    withQueue(opts, async (q) => {
      for (const id of await q.drop(chosen(ids, opts))) process.stdout.write(`✓ dropped ${id}\n`);
    }),
  );
}

async function withQueue(opts: DlqCliOptions, fn: (q: DeadLetterQueue) => Promise<void>): Promise<void> {
  const redis = opts.redis ?? process.env.PYPE_REDIS_URL ?? DEFAULT_REDIS_URL;
  await assertRedisReachable(redis);
  const q = new DeadLetterQueue(redis, opts.queue ?? queueFromEnv());
  try {
    await fn(q);
  } finally {
    await q.close();
  }
}

function chosen(ids: string[], opts: DlqCliOptions): string[] {
  if (opts.all && ids.length) throw new PypeError('give dead letter ids or --all, not both');
  if (!opts.all && !ids.length) throw new PypeError('which dead letters?', { hint: 'name them (ids from `pype dlq list`) or pass --all' });
  return ids;
}

function describe(l: DeadLetter): string {
  const attempts = l.attempts.map((a) => `    attempt ${a.attempt} on ${a.worker}: ${a.outcome}${a.error ? ` (${a.error.split('\n')[0]})` : ''}`);
  return [
    `✗ ${l.id}`,
    `    ${l.flow}/${l.subflow}#${l.frame} of run ${l.runId}, job ${l.jobDir}, dead since ${l.deadAt}`,
    `    error: ${l.error.message.split('\n').join('\n           ')}`,
    ...(l.error.hint ? [`    fix: ${l.error.hint}`] : []),
    ...attempts,
  ].join('\n');
}
