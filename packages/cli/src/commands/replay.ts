import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { PypeError, renderSummary, renderTimeline, type PypeEvent } from '@pypeline/core';
import { consoleReporter } from '../console-reporter.js';

export function registerReplay(program: Command): void {
  program
    .command('replay')
    .description('re-render the progress, summary and timeline of a run recorded with `pype run --events`')
    .argument('<events>', 'JSON Lines file of events')
    .action((file: string) => {
      const events = readEvents(file);
      const out = (line: string) => process.stdout.write(`${line}\n`);
      const report = consoleReporter(out);
      for (const e of events) report(e);
      out(`\n${renderSummary(events)}\n\n${renderTimeline(events)}`);
      const finished = events.findLast((e) => e.type === 'run.finished');
      if (finished?.type === 'run.finished') out(`\n${finished.status === 'success' ? '✓' : '✗'} ${finished.flow} ${finished.status}${finished.error ? `: ${finished.error}` : ''}`);
    });
}

function readEvents(file: string): PypeEvent[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new PypeError(`cannot read events file ${file}`, { hint: 'record one with `pype run <job> --events out.jsonl`' });
  }
  return text.split('\n').flatMap((line, i) => {
    if (!line.trim()) return [];
    try {
      const e = JSON.parse(line);
      if (typeof e?.type !== 'string') throw new Error('no type');
      return [e as PypeEvent];
    } catch {
      throw new PypeError(`${file}:${i + 1} is not an event line`, { hint: 'pass a file written by `pype run --events`' });
    }
  });
}
