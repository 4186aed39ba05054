// The Ctrl-C contract every long-running command shares, checked in a real child process (a
// second signal must end the process, which cannot happen inside the test runner).
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { until } from '@pypeline/test-services';
import { describe, expect, it } from 'vitest';

const MODULE = new URL('../dist/stop-on-signals.js', import.meta.url).href;

/** A process that stops on signals like a command does; with `hang`, its graceful stop never ends. */
function command(hang: boolean) {
  const script = `
    import { stopOnSignals } from ${JSON.stringify(MODULE)};
    const stop = stopOnSignals({ say: (line) => console.log(line), stopping: 'stopping the work', keeps: 'the state stays', exitNote: 'the rest is dropped', hint: 'resume later' });
    const busy = setInterval(() => {}, 1000); // the command's work, keeping the process alive
    console.log('ready');
    const sig = await stop.stopped;
    console.log(['stopped by', sig, stop.signal.aborted, stop.signal.reason.message, stop.signal.reason.hint, stop.exitCode()].join(' '));
    if (!${hang}) {
      clearInterval(busy);
      stop.dispose();
    }
  `;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], { cwd: fileURLToPath(new URL('.', import.meta.url)), stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, exited, output: () => out };
}

describe('stopOnSignals', () => {
  it('says what the first signal does, aborts with "interrupted by", and lets the command end itself', async () => {
    const c = command(false);
    await until(() => c.output().includes('ready'), () => `the child to start; its output:\n${c.output()}`);
    c.child.kill('SIGTERM');
    expect(await c.exited).toBe(0);
    expect(c.output()).toContain('! SIGTERM: stopping the work (press Ctrl-C again to exit at once; the state stays)\n');
    expect(c.output()).toContain('stopped by SIGTERM true interrupted by SIGTERM resume later 143\n');
  }, 30_000);

  it('exits at once with 130 on a second SIGINT, saying so', async () => {
    const c = command(true);
    await until(() => c.output().includes('ready'), () => `the child to start; its output:\n${c.output()}`);
    c.child.kill('SIGINT');
    await until(() => c.output().includes('stopped by SIGINT'), () => `the first stop; the output:\n${c.output()}`);
    c.child.kill('SIGINT');
    expect(await c.exited).toBe(130);
    expect(c.output()).toContain('✗ SIGINT again: exiting now; the rest is dropped\n');
  }, 30_000);
});
