import { existsSync } from 'node:fs';
import { relative } from 'node:path';
import type { Readable } from 'node:stream';
import { Worker } from 'node:worker_threads';
import { PypeError } from '@pypeline/core';
import { sayOnStderr, stopOnSignals } from '../stop-on-signals.js';
import { CANCEL, type DevCycleInput, type DevCycleMessage } from './cycle-messages.js';
import { SaveWatcher } from './watch-saves.js';
import { buildPackage, sourceDirOf, workspacePackages, type WorkspacePackage } from './workspace-packages.js';

export type DevOptions = Omit<DevCycleInput, 'file'>;

/** How long a cancelled cycle may take to stop before its worker is terminated. */
const CANCEL_GRACE_MS = 10_000;
/** How long a cycle that has ended may take to exit. */
const EXIT_GRACE_MS = 5_000;
const out = (line: string) => void process.stdout.write(`${line}\n`);

/**
 * `pype dev <flow>`: a cycle (validate; when valid, a sample run) now and after every save of the
 * flow or of the source of a module package the flow uses from the workspace (that package is
 * rebuilt first). One cycle at a time: a save cancels the running one. Ctrl-C cancels it, closes
 * the watcher and resolves.
 */
export async function devFlow(file: string, opts: DevOptions): Promise<void> {
  if (!existsSync(file)) throw new PypeError(`${file} does not exist`, { hint: 'give the path of a flow file (YAML, or TypeScript exporting a flow())' });
  const stop = stopOnSignals({ say: sayOnStderr, stopping: 'stopping pype dev', hint: 'pype dev was stopped' });
  const packages = new Map<string, WorkspacePackage>();
  const dirty = new Set<WorkspacePackage>();
  let due = true;
  let wake = () => {};
  let cancel = () => {};
  const watcher = new SaveWatcher((tags) => {
    // A tag is the flow file, or the folder of a package whose sources were saved.
    const saved = tags.map((t) => packages.get(t));
    for (const pkg of saved) if (pkg) dirty.add(pkg);
    const names = saved.map((pkg) => pkg?.name ?? file);
    out(`\n↻ saved: ${names.join(', ')}`);
    due = true;
    cancel();
    wake();
  });
  watcher.file(file, file);
  stop.signal.addEventListener('abort', () => (cancel(), wake()), { once: true });
  try {
    while (!stop.signal.aborted) {
      if (!due) {
        await new Promise<void>((resolve) => (wake = resolve));
        continue;
      }
      due = false;
      if (!(await rebuild(dirty, stop.signal))) continue;
      const cycle = startCycle({ file, ...opts }, (entries) => watchPackages(entries, packages, watcher));
      cancel = cycle.cancel;
      await cycle.done;
      cancel = () => {};
      if (!due && !stop.signal.aborted) out(`\n… watching ${describeWatched(file, packages)}: save to check and run again (Ctrl-C stops)`);
    }
  } finally {
    watcher.close();
    stop.dispose();
  }
}

/** Builds the changed packages; false (their errors shown) when one fails, so the stale build is not run. */
async function rebuild(dirty: Set<WorkspacePackage>, signal: AbortSignal): Promise<boolean> {
  for (const pkg of [...dirty]) {
    dirty.delete(pkg);
    if (!pkg.buildable) continue;
    out(`⚙ building ${pkg.name}`);
    const { ok, output } = await buildPackage(pkg, signal);
    if (signal.aborted) return false;
    if (ok) continue;
    dirty.add(pkg); // built again with the next save, whichever file it is
    process.stderr.write(`${output.trimEnd()}\n\n✗ the build of ${pkg.name} failed (npm run build in ${pkg.dir})\n  fix: fix the errors above and save; the flow is checked again once it builds\n`);
    return false;
  }
  return true;
}

/** New workspace packages among the flow's modules: their sources are watched from now on. */
function watchPackages(entries: string[], packages: Map<string, WorkspacePackage>, watcher: SaveWatcher): void {
  for (const pkg of workspacePackages(entries)) {
    if (packages.has(pkg.dir)) continue;
    packages.set(pkg.dir, pkg);
    watcher.tree(sourceDirOf(pkg), pkg.dir);
  }
}

function describeWatched(file: string, packages: Map<string, WorkspacePackage>): string {
  const dirs = [...packages.values()].map((p) => relative(process.cwd(), sourceDirOf(p)) || '.');
  return dirs.length ? `${file} and ${dirs.join(', ')}` : file;
}

/**
 * One cycle in a fresh worker thread (see dev-cycle.ts); `done` resolves once it has ended and its
 * output is all written. `cancel` stops its run through the run's AbortSignal.
 */
function startCycle(input: DevCycleInput, onModules: (entries: string[]) => void): { done: Promise<void>; cancel: () => void } {
  const worker = new Worker(new URL('./dev-cycle.js', import.meta.url), { workerData: input, stdout: true, stderr: true });
  const copied = Promise.all([copy(worker.stdout, process.stdout), copy(worker.stderr, process.stderr)]);
  let timer: NodeJS.Timeout | undefined;
  worker.on('message', (m: DevCycleMessage) => {
    if (m.type === 'modules') onModules(m.entries);
    // WARNING: a module that leaves a handle open (a timer, a socket) would keep the thread, and
    // so the next cycle, waiting: a cycle that has ended gets a few seconds to exit.
    else if (!timer) timer = setTimeout(() => void worker.terminate(), EXIT_GRACE_MS);
  });
  const exited = new Promise<void>((resolve) => {
    worker.on('error', (err) => process.stderr.write(`✗ internal error in pype dev: ${err.message}\n  this is a bug in PYpeline; rerun with --debug and report the output\n`));
    worker.on('exit', () => resolve());
  });
  const cancel = () => {
    if (timer) return;
    worker.postMessage(CANCEL);
    timer = setTimeout(() => void worker.terminate(), CANCEL_GRACE_MS);
  };
  return { done: exited.then(() => copied).then(() => clearTimeout(timer)), cancel };
}

/** Copies a worker's output stream here, resolving when it ends. */
function copy(from: Readable, to: NodeJS.WritableStream): Promise<void> {
  return new Promise((resolve) => {
    from.on('data', (d: Buffer) => to.write(d));
    from.on('end', resolve);
    from.on('close', resolve);
  });
}
