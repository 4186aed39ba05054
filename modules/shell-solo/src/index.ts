import { defineModule, ModuleError } from '@pypeline/sdk';
import { DEFAULTS, type Config } from './config.js';
import { runProgram, type ProgramResult } from './run-program.js';

export type { Config } from './config.js';

export default defineModule<Config>({
  name: 'shell_solo',
  type: 'solo',
  description: 'Runs a program with templated arguments (no shell, so no injection) and captures its exit code, stdout and stderr',
  category: 'Utilities',
  globals: ['exit_code', 'stdout', 'stderr'],
  async run(_inputs, ctx) {
    const config = { ...DEFAULTS, ...ctx.config };
    const args = (config.args ?? []).map(String);
    const shown = [config.command, ...args].map((a) => (/^[\w./=:,@%+-]+$/.test(a) ? a : JSON.stringify(a))).join(' ');
    let result: ProgramResult;
    try {
      result = await runProgram(config.command, args, {
        cwd: config.cwd,
        env: config.env,
        timeoutMs: config.timeout * 1000,
        maxOutputBytes: config.max_output_bytes,
        signal: ctx.signal,
      });
    } catch (error) {
      throw startError(error, config.command, config.cwd, ctx.signal);
    }
    // A trailing newline is almost never wanted in {{id__stdout}}.
    ctx.setGlobal('exit_code', result.exitCode ?? -1);
    ctx.setGlobal('stdout', result.stdout.replace(/\r?\n$/, ''));
    ctx.setGlobal('stderr', result.stderr.replace(/\r?\n$/, ''));
    for (const stream of ['stdout', 'stderr'] as const) {
      if (result.truncated[stream] > 0) ctx.logger.warn(`${stream} exceeded max_output_bytes; ${result.truncated[stream]} bytes were dropped`);
    }
    ctx.logger.info('ran program', { command: shown, exit_code: result.exitCode, signal: result.signal });
    const ok = result.exitCode !== null && config.ok_exit_codes.includes(result.exitCode);
    if (!ok && !config.allow_failure) throw exitError(shown, result, config.timeout);
  },
});

function startError(error: unknown, command: string, cwd: string | undefined, signal: AbortSignal): unknown {
  if (signal.aborted) return error;
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') {
    return new ModuleError(`cannot run "${command}": no such program${cwd ? ` (or no folder ${cwd})` : ''}`, {
      retryable: false,
      hint: command.includes(' ')
        ? 'command is one program, not a command line: put each argument in args, e.g. command: gzip, args: ["-k", "{{iter.item.path}}"]'
        : 'check the name is on PATH, or give the path to the program',
    });
  }
  if (code === 'EACCES') return new ModuleError(`cannot run "${command}": permission denied`, { retryable: false, hint: 'make the file executable (chmod +x)' });
  return error;
}

function exitError(shown: string, result: ProgramResult, timeout: number): ModuleError {
  const why = result.timedOut ? `did not finish within ${timeout} s and was stopped` : result.exitCode === null ? `was ended by ${result.signal}` : `exited with code ${result.exitCode}`;
  const tail = result.stderr.trim().split('\n').slice(-5).join('\n  ');
  return new ModuleError(`${shown} ${why}${tail ? `:\n  ${tail}` : ''}`, {
    hint: 'add the code to ok_exit_codes, or set allow_failure: true and branch on {{<id>__exit_code}}',
  });
}
