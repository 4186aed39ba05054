import type { NodeStatus } from './events.js';
import { errorMessage } from '@pypeline/sdk';

export interface ModuleHookInfo {
  nodeId: string;
  moduleId: string;
  name: string;
  attempt: number;
}

export interface ModuleHookResult extends ModuleHookInfo {
  status: NodeStatus;
  durationMs: number;
  rowsIn: number;
  rowsOut: number;
  error?: string;
  /** True when `--cache` reused the module's stored outputs instead of running it. */
  cached?: boolean;
}

/**
 * Callbacks around the run, registered on a flow (RunOptions.hooks) or by a plugin package
 * (`pype run --plugin <pkg>`, whose default export is a Hooks object). Sync or async; a hook
 * that throws is reported as a warning and never changes the run.
 */
export interface Hooks {
  beforeModule?(info: ModuleHookInfo): void | Promise<void>;
  afterModule?(result: ModuleHookResult): void | Promise<void>;
  onError?(result: ModuleHookResult & { error: string }): void | Promise<void>;
  onComplete?(summary: { runId: string; flow: string; status: 'success' | 'failed'; durationMs: number; errors: string[] }): void | Promise<void>;
}

export type HookName = keyof Hooks;

/** Calls one hook on every registered set; failures become `hookFailed` reports. */
export async function callHooks<K extends HookName>(
  sets: readonly Hooks[],
  name: K,
  arg: Parameters<NonNullable<Hooks[K]>>[0],
  hookFailed: (message: string) => void,
): Promise<void> {
  for (const hooks of sets) {
    const fn = hooks[name] as ((a: typeof arg) => unknown) | undefined;
    if (!fn) continue;
    try {
      await fn.call(hooks, arg);
    } catch (err) {
      hookFailed(`hook ${name} failed: ${errorMessage(err)}`);
    }
  }
}
