import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface StartupFigure {
  case: string;
  /** Wall time of each run, ms, spawn to exit. */
  runs: number[];
  /** The issue's goal for this case on the 2-core machine, seconds (undefined for the peer). */
  goalS?: number;
}

/**
 * Start-up cost of `pype`: `--version`, `--help`, a trivial YAML flow end to end and its
 * TypeScript twin, beside `node -e 0` measured in the same rounds. The cases take turns in each
 * round, so load on the machine falls on all of them alike; one round first is not counted (it
 * fills the compiled-flow cache a TypeScript flow keeps between runs, and the OS file cache).
 */
export function startupBench(root: string, outDir: string, runs: number, log: (line: string) => void): StartupFigure[] {
  const cli = join(root, 'packages/cli/bin/pype.js');
  const dir = join(outDir, 'startup');
  mkdirSync(dir, { recursive: true });
  const csv = join(root, 'examples/data/people.csv');
  const yamlFlow = join(dir, 'trivial.yaml');
  // In the repository, so that the TypeScript flow's @pypeline imports resolve as a user's would.
  const tsFlow = join(dir, 'trivial.ts');
  writeFileSync(yamlFlow, trivialYaml(csv, join(dir, 'out-yaml.csv')));
  writeFileSync(tsFlow, trivialTs(csv, join(dir, 'out-ts.csv')));
  const cases: Array<{ name: string; args: string[]; goalS?: number }> = [
    { name: 'node -e 0', args: ['-e', '0'] },
    { name: 'pype --version', args: [cli, '--version'], goalS: 0.15 },
    { name: 'pype --help', args: [cli, '--help'], goalS: 0.3 },
    { name: 'pype run trivial.yaml', args: [cli, 'run', yamlFlow], goalS: 0.5 },
    { name: 'pype run trivial.ts', args: [cli, 'run', tsFlow], goalS: 1 },
  ];
  const figures: StartupFigure[] = cases.map((c) => ({ case: c.name, runs: [], goalS: c.goalS }));
  for (let round = 0; round <= runs; round++) {
    cases.forEach((c, i) => {
      const ms = timeNode(c.args, root);
      if (round > 0) figures[i].runs.push(ms);
    });
    log(round ? `startup round ${round}/${runs}: ${figures.map((f) => `${f.case} ${(f.runs.at(-1)! / 1000).toFixed(2)} s`).join(', ')}` : 'startup: warm-up round done');
  }
  return figures;
}

/** Wall ms of `node args` (no preload: the bench's RSS probe would be part of what is timed). */
function timeNode(args: string[], cwd: string): number {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, args, { cwd, encoding: 'utf8', env: { ...process.env, FORCE_COLOR: '0' }, timeout: 120_000 });
  const ms = performance.now() - t0;
  if (r.status !== 0) throw new Error(`node ${args.join(' ')} exited with ${r.status}:\n${r.stderr || r.stdout}`);
  return ms;
}

/** csv_source → filter_mod → csv_sink over a 40-row CSV. */
function trivialYaml(csv: string, out: string): string {
  return `flow:
  name: startup_yaml
modules:
  - id: read
    name: csv_source
    configs:
      required: { file_path: ${JSON.stringify(csv)} }
  - id: adults
    name: filter_mod
    configs:
      required: { condition: "age > 18" }
  - id: write
    name: csv_sink
    configs:
      required: { output_path: ${JSON.stringify(out)} }
connections:
  data:
    - "read.data - adults.input"
    - "adults.output - write.input"
`;
}

/** The YAML flow's TypeScript twin, through the generated typed factories. */
function trivialTs(csv: string, out: string): string {
  return `import { flow } from '@pypeline/core';
import { csvSink } from '@pypeline/mod-csv-sink/flow';
import { csvSource } from '@pypeline/mod-csv-source/flow';
import { filterMod } from '@pypeline/mod-filter-mod/flow';

const f = flow({ name: 'startup_ts' });
const read = f.add(csvSource('read', { file_path: ${JSON.stringify(csv)} }));
const adults = f.add(filterMod('adults', { condition: 'age > 18' }));
const write = f.add(csvSink('write', { output_path: ${JSON.stringify(out)} }));
f.data(read.out('data'), adults.in('input')).data(adults.out('output'), write.in('input'));
export default f;
`;
}
