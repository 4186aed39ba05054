import { isAbsolute } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { PoolTask, WorkerPool } from '../context.js';
import { receiveResult } from '../worker/moved-result.js';

/** A WorkerPool that runs tasks on the calling thread, remembering which files it ran. */
export interface InProcessPool extends WorkerPool {
  readonly ran: PoolTask[];
}

/**
 * Runs each task by importing its file and calling the export, like a Piscina worker would.
 * The payload goes through structuredClone with the transfer list, so a module that reads a
 * buffer after handing it to the pool fails here as it would in production; a result made with
 * transferResult (@pypeline/sdk/worker) arrives with its buffers moved, as from a pool thread.
 */
export function createInProcessPool(): InProcessPool {
  const ran: PoolTask[] = [];
  return {
    size: 1,
    ran,
    async run<T>(payload: unknown, task: PoolTask): Promise<T> {
      task.signal?.throwIfAborted();
      ran.push(task);
      const moved = structuredClone(payload, { transfer: task.transferList ?? [] });
      const url = isAbsolute(task.filename) ? pathToFileURL(task.filename).href : task.filename;
      const worker = (await import(url)) as Record<string, unknown>;
      const fn = worker[task.name ?? 'default'];
      if (typeof fn !== 'function') {
        throw new TypeError(`pool task file ${task.filename} has no ${task.name ? `export "${task.name}"` : 'default export'} function`);
      }
      return receiveResult(await fn(moved)) as T;
    },
  };
}
