import { backoffMs, sleep, type Artifact, type ModuleInputs, type ModuleOutputs, errorMessage, type Thrown } from '@pypeline/sdk';
import { PypeError } from '../errors.js';
import { configValidator, secretKeys } from '../plan/check-config.js';
import { explainSchemaErrors } from '../flow/schema-errors.js';
import { inputKeys } from '../plan/input-keys.js';
import type { DagNode } from '../plan/types.js';
import { resolveConfigTemplates } from '../template/resolve-config.js';
import { abortable } from './abortable.js';
import { attemptSignal } from './attempt-signal.js';
import { checkPaths } from './path-guard.js';
import { callHooks } from './hooks.js';
import type { NodeStatus } from './events.js';
import { StreamArtifact, StreamError } from './artifact-store.js';
import { isCacheable, probeCache, saveToCache, useCached } from './cache-node.js';
import { createModuleContext } from './module-context.js';
import { reportProgress, resetProgress } from './progress.js';
import { limitOutputs } from './row-limit.js';
import { nodeIdOf, type RunState } from './run-state.js';
import { templateScope } from './template-scope.js';

/** Runs one module: templating, config check, setup/run/teardown, retries, outputs, events. */
export async function runNode(state: RunState, node: DagNode, subflow: string): Promise<NodeStatus> {
  const nodeId = nodeIdOf(state, node.id);
  const def = state.modules.get(node.id)!;
  const maxAttempts = 1 + (node.retries ?? state.job.metadata.settings.retries);
  const inputs = collectInputs(state, node);
  // Stream inputs know their row count only once read, so rows in are counted after the run.
  const countRowsIn = () => Object.values(inputs).reduce((n, a) => n + a.numRows, 0);
  const started = Date.now();

  for (let attempt = 1; ; attempt++) {
    const t0 = Date.now();
    state.bus.emit({ type: 'module.started', nodeId, moduleId: node.id, name: node.name, subflow, attempt });
    resetProgress(state.bus, nodeId);
    const hookInfo = { nodeId, moduleId: node.id, name: node.name, attempt };
    await callHooks(state.hooks, 'beforeModule', hookInfo, (m) => hookFailed(state, nodeId, m));
    const { signal, dispose } = attemptSignal(state.signal, node.id, node.timeout ?? null);
    try {
      const config = prepareConfig(state, node);
      let key: string | undefined;
      if (attempt === 1 && isCacheable(state, node)) {
        const probe = await probeCache(state, node, config, inputs);
        if (probe.hit) {
          dispose();
          useCached(state, node, nodeId, probe.hit, Date.now() - started, countRowsIn());
          setNodeGlobals(state, nodeId, 'success', Date.now() - started, probe.hit.entry.rows_out);
          await callHooks(state.hooks, 'afterModule', { ...hookInfo, status: 'success', cached: true, durationMs: Date.now() - started, rowsIn: countRowsIn(), rowsOut: probe.hit.entry.rows_out }, (m) => hookFailed(state, nodeId, m));
          return 'success';
        }
        key = probe.key;
      }
      const ctx = createModuleContext(state, node.id, config, signal);
      let result: ModuleOutputs | void;
      try {
        await def.setup?.(ctx);
        result = await abortable(def.run(inputs, ctx), signal);
      } finally {
        dispose();
        await runTeardown(state, nodeId, () => def.teardown?.(ctx));
      }
      const outputs = state.limit !== undefined && node.type === 'source' && result ? limitOutputs(result, state.limit) : result;
      const { rowsOut, streams } = await storeOutputs(state, node, nodeId, outputs ?? {}, () => closeUnread(inputs));
      // A module that returned no output reads its inputs no more; a stream it left unread (a sink
      // whose load an interrupted run already committed) would keep its producer, and the run, waiting.
      if (Object.keys(result ?? {}).length === 0) closeUnread(inputs);
      if (key) await saveToCache(state, node, nodeId, key, countRowsIn);
      setNodeGlobals(state, nodeId, 'success', Date.now() - started, rowsOut);
      const finish = async (rows: number) => {
        const durationMs = Date.now() - started;
        const rowsIn = countRowsIn();
        setNodeGlobals(state, nodeId, 'success', durationMs, rows);
        state.bus.emit({ type: 'module.finished', nodeId, moduleId: node.id, name: node.name, durationMs, rowsIn, rowsOut: rows, attempts: attempt });
        await callHooks(state.hooks, 'afterModule', { ...hookInfo, status: 'success', durationMs, rowsIn, rowsOut: rows }, (m) => hookFailed(state, nodeId, m));
      };
      if (!streams.length) await finish(rowsOut);
      else {
        // A streaming producer is done when its readers have read its streams: one module.finished then,
        // with the final counts. Its readers may start before (the run waits for this before it ends).
        state.spawned.push(Promise.all(streams).then((counts) => (state.nodeStatus.get(nodeId) !== 'success' ? undefined : finish(rowsOut + counts.reduce((a, b) => a + b, 0)))));
      }
      return 'success';
    } catch (thrown) {
      const err = thrown as Thrown;
      // An input stream failed: the error is its producer's, reported (and marked) there by
      // streamFailed; this module stopped because of it and did not fail on its own.
      if (thrown instanceof StreamError && !state.signal.aborted) {
        closeUnread(inputs);
        markSkipped(state, node, `upstream ${thrown.producer} failed`);
        await callHooks(state.hooks, 'afterModule', { ...hookInfo, status: 'skipped', durationMs: Date.now() - started, rowsIn: countRowsIn(), rowsOut: 0 }, (m) => hookFailed(state, nodeId, m));
        return 'skipped';
      }
      // Duck-typed so a module built against another copy of the SDK is honoured too.
      const retryable = !(err instanceof PypeError) && err?.retryable !== false && !state.signal.aborted;
      const willRetry = retryable && attempt < maxAttempts;
      const message = state.signal.aborted && err === state.signal.reason ? errorMessage(err) : describeError(err);
      const hint = err?.hint;
      state.bus.emit({ type: 'module.failed', nodeId, moduleId: node.id, name: node.name, durationMs: Date.now() - t0, error: message, hint, attempt, willRetry });
      if (willRetry) {
        await sleep(backoffMs(attempt), state.signal);
        continue;
      }
      setNodeGlobals(state, nodeId, 'failed', Date.now() - started, 0, message);
      // A stream this module never read would keep its producer (and so the run) waiting for its end.
      closeUnread(inputs);
      const error = { nodeId, subflow, message: `${node.id} (${node.name}) failed: ${message}`, hint, stack: err?.stack };
      // continue_on_error: the failure is collected, but neither its sub flow nor the run fails.
      (node.continue_on_error ? state.continuedErrors : state.errors).push(error);
      const result = { ...hookInfo, status: 'failed' as const, durationMs: Date.now() - started, rowsIn: countRowsIn(), rowsOut: 0, error: message };
      await callHooks(state.hooks, 'onError', result, (m) => hookFailed(state, nodeId, m));
      await callHooks(state.hooks, 'afterModule', result, (m) => hookFailed(state, nodeId, m));
      return 'failed';
    }
  }
}

function closeUnread(inputs: ModuleInputs): void {
  for (const art of Object.values(inputs)) if (art instanceof StreamArtifact) art.close();
}

function hookFailed(state: RunState, nodeId: string, message: string): void {
  state.hookErrors.push(`${nodeId}: ${message}`);
  state.bus.emit({ type: 'log', level: 'warn', nodeId, msg: message });
}

function collectInputs(state: RunState, node: DagNode): ModuleInputs {
  const inputs: Record<string, Artifact> = {};
  for (const { edge, key } of inputKeys(node, state.job.dag.data_edges)) {
    const art = state.outputs.get(`${edge.from}.${edge.from_port}`);
    if (art) inputs[key] = art;
  }
  return inputs;
}

function prepareConfig(state: RunState, node: DagNode): Record<string, unknown> {
  // Expression and SQL fields bind template values (as literals, as query parameters), never as text.
  const config = resolveConfigTemplates(node.config, node.json_schema, templateScope(state), `${node.id}.configs`);
  const validate = configValidator(`${node.package}@${node.version}`, node.json_schema);
  if (!validate(config)) {
    const secrets = secretKeys(node.json_schema);
    const problems = explainSchemaErrors(validate.errors ?? [], config, { secretPaths: secrets }).map((p) => `${p.path.join('.') || 'config'}: ${p.message}`);
    throw new PypeError(`invalid config for ${node.id} after templating: ${problems.join('; ')}`, { hint: 'check the context values it uses' });
  }
  checkPaths(node, config, state.job.metadata.settings.allowed_root);
  return config;
}

/**
 * Registers each output with the artifact store. A stream with one reader passes through and
 * is only read later, by that reader: its rows count towards rows_out when it ends, and then
 * the node's module.finished is emitted again with the final count (the summary keeps the
 * last one); an error inside it marks this node failed as well as its reader.
 */
async function storeOutputs(state: RunState, node: DagNode, nodeId: string, result: ModuleOutputs, releaseInputs: () => void): Promise<{ rowsOut: number; streams: Promise<number>[] }> {
  let rowsOut = 0;
  const streams: Promise<number>[] = [];
  const producer = `${node.id} (${node.name})`;
  const edges = state.job.dag.data_edges.filter((e) => e.from === node.id);
  const read = new Set(edges.map((e) => e.from_port));
  for (const [port, value] of Object.entries(result)) {
    if (!node.output_ports.includes(port)) {
      throw new PypeError(`${node.id} (${node.name}) returned data on unknown port "${port}" (its ports: ${node.output_ports.join(', ') || 'none'})`, { hint: `this is a bug in ${node.package}` });
    }
    const whole = state.job.metadata.control_edges.some((e) => e.kind === 'iterate' && e.from === node.id && e.list_port === port);
    // An output nobody reads is stored whole when no port is read (so the source still runs), else left unread.
    const readers = edges.filter((e) => e.from_port === port).length || (read.size ? 1 : 0);
    let ended!: (rows: number) => void;
    const end = new Promise<number>((resolve) => (ended = resolve));
    // A stream closed before its end (its reader failed or stopped) releases this module's inputs in turn,
    // so the close travels up a chain of streaming modules to the source.
    const hooks = {
      producer, onEnd: ended, onError: (error: unknown) => streamFailed(state, node, nodeId, error), onClose: releaseInputs,
      onBatch: (rows: number) => reportProgress(state.bus, nodeId, node.id, { rows }),
      signal: state.signal,
    };
    const onSpill = (uri: string, rows: number) => state.bus.emit({ type: 'artifact.spilled', nodeId, uri, rows });
    const art = await state.artifacts.register(value, onSpill, { readers, whole }, hooks);
    state.outputs.set(`${node.id}.${port}`, art);
    if (art instanceof StreamArtifact && read.has(port)) streams.push(end);
    else rowsOut += art.numRows;
  }
  for (const e of edges) {
    if (!state.outputs.has(`${node.id}.${e.from_port}`)) {
      throw new PypeError(`${node.id} (${node.name}) produced nothing on port "${e.from_port}", which ${e.to} reads`, { hint: `this is a bug in ${node.package}` });
    }
  }
  return { rowsOut, streams };
}

/**
 * A stream failed while its reader read it. When the error is this module's own (its run()
 * produced the stream), this module failed: it is marked failed and its error is the run's,
 * named after it. When it only passed on an upstream stream's failure, it is skipped like its
 * reader; the module that failed reports the error.
 */
function streamFailed(state: RunState, node: DagNode, nodeId: string, error: unknown): void {
  const status = state.nodeStatus.get(nodeId);
  if (status === 'failed' || status === 'skipped') return;
  if (error instanceof StreamError) return markSkipped(state, node, `upstream ${error.producer} failed`);
  const message = describeError(error);
  const hint = (error as { hint?: string })?.hint;
  const started = state.bus.history.findLast((e) => e.type === 'module.started' && e.nodeId === nodeId)?.time ?? Date.now();
  state.bus.emit({ type: 'module.failed', nodeId, moduleId: node.id, name: node.name, durationMs: Date.now() - started, error: message, hint, attempt: 1, willRetry: false });
  setNodeGlobals(state, nodeId, 'failed', Date.now() - started, 0, message);
  const failure = { nodeId, subflow: node.subflow, message: `${node.id} (${node.name}) failed: ${message}`, hint, stack: (error as { stack?: string })?.stack };
  (node.continue_on_error ? state.continuedErrors : state.errors).push(failure);
}

async function runTeardown(state: RunState, nodeId: string, teardown: () => unknown): Promise<void> {
  try {
    await teardown();
  } catch (err) {
    state.bus.emit({ type: 'log', level: 'warn', nodeId, msg: `teardown failed: ${errorMessage(err)}` });
  }
}

function setNodeGlobals(state: RunState, nodeId: string, status: NodeStatus, durationMs: number, rowsOut: number, error?: string): void {
  state.globals.set(nodeId, 'status', status);
  state.globals.set(nodeId, 'duration_ms', durationMs);
  state.globals.set(nodeId, 'rows_out', rowsOut);
  if (error !== undefined) state.globals.set(nodeId, 'error', error);
  state.nodeStatus.set(nodeId, status);
}

export function markSkipped(state: RunState, node: DagNode, reason: string): void {
  const nodeId = nodeIdOf(state, node.id);
  state.globals.set(nodeId, 'status', 'skipped');
  state.nodeStatus.set(nodeId, 'skipped');
  state.bus.emit({ type: 'module.skipped', nodeId, moduleId: node.id, name: node.name, reason });
}

function describeError(err: unknown): string {
  if (err instanceof Error) return err.message || err.name;
  return String(err);
}
