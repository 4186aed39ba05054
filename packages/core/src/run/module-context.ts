import { defaultMemoryBudget, parseByteSize, type ArtifactManager, type ModuleContext, type ModuleLogger } from '@pypeline/sdk';
import { reportProgress } from './progress.js';
import { frameKey, nodeIdOf, type RunState } from './run-state.js';

/** Builds the context one node sees (the spec's RunContext). */
export function createModuleContext(
  state: RunState,
  moduleId: string,
  config: Record<string, unknown>,
  signal: AbortSignal,
): ModuleContext<Record<string, unknown>> {
  const nodeId = nodeIdOf(state, moduleId);
  const key = frameKey(state.frame);
  const log = (level: 'debug' | 'info' | 'warn' | 'error') => (msg: string, fields?: Record<string, unknown>) =>
    state.bus.emit({ type: 'log', level, nodeId, msg, fields });
  const logger: ModuleLogger = { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
  const artifacts: ArtifactManager = state.artifacts.forNode((uri, rows) => state.bus.emit({ type: 'artifact.spilled', nodeId, uri, rows }));
  return {
    // The checkpoint holds the run's identity: the interrupted run's id when this one resumed it.
    runId: state.checkpoint.data.runId,
    frame: key,
    nodeId,
    moduleId,
    iterIndex: state.frame.path.at(-1) ?? 0,
    iterItem: state.frame.item,
    config,
    logger,
    artifacts,
    pool: state.pool,
    signal,
    allowedRoot: state.job.metadata.settings.allowed_root,
    memoryBudget: memoryBudgetOf(state),
    tempDir: () => state.artifacts.tempDir(nodeId),
    setGlobal: (key, value) => state.globals.set(nodeId, key, value),
    progress: ({ bytes, totalBytes }) => reportProgress(state.bus, nodeId, moduleId, { bytes, totalBytes }),
    getGlobal: (id, name) => state.globals.get(id, name, state.frame.path.length ? key : undefined),
  };
}

/** `settings.spill.memory_budget` in bytes (the flow schema checked its form), else the default. */
export function memoryBudgetOf(state: RunState): number {
  const setting = state.job.metadata.settings.spill?.memory_budget;
  return (setting === undefined ? undefined : parseByteSize(setting)) ?? defaultMemoryBudget();
}
