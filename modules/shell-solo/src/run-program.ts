import { spawn } from 'node:child_process';

export interface ProgramResult {
  /** null when the program was ended by a signal. */
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** Bytes dropped beyond maxOutputBytes, per stream. */
  truncated: { stdout: number; stderr: number };
  timedOut: boolean;
}

export interface ProgramOptions {
  cwd?: string;
  env?: Record<string, string>;
  timeoutMs: number;
  maxOutputBytes: number;
  signal: AbortSignal;
}

/**
 * Runs `command` with `args` as an argv array (spawn without a shell), so no argument is ever
 * parsed as shell syntax. Resolves with the exit code and captured output; rejects only when
 * the program cannot be started (ENOENT, EACCES) or the run is aborted.
 */
export function runProgram(command: string, args: string[], options: ProgramOptions): Promise<ProgramResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: { ...process.env, ...options.env },
      shell: false,
      stdio: ['ignore', 'pipe', 'pipe'],
      signal: options.signal,
      timeout: options.timeoutMs > 0 ? options.timeoutMs : undefined,
    });
    const out = capture(options.maxOutputBytes);
    const err = capture(options.maxOutputBytes);
    child.stdout.on('data', out.add);
    child.stderr.on('data', err.add);
    child.on('error', (error) => reject(options.signal.aborted ? options.signal.reason : error));
    child.on('close', (exitCode, signal) => {
      if (options.signal.aborted) return reject(options.signal.reason);
      resolve({
        exitCode,
        signal,
        stdout: out.text(),
        stderr: err.text(),
        truncated: { stdout: out.dropped(), stderr: err.dropped() },
        timedOut: exitCode === null && signal === 'SIGTERM' && options.timeoutMs > 0,
      });
    });
  });
}

function capture(limit: number) {
  const chunks: Buffer[] = [];
  let kept = 0;
  let dropped = 0;
  return {
    add: (chunk: Buffer) => {
      const room = Math.max(0, limit - kept);
      if (room < chunk.length) dropped += chunk.length - room;
      if (room > 0) {
        chunks.push(room < chunk.length ? chunk.subarray(0, room) : chunk);
        kept += Math.min(room, chunk.length);
      }
    },
    text: () => Buffer.concat(chunks).toString('utf8'),
    dropped: () => dropped,
  };
}
