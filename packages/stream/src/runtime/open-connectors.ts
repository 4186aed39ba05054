import type { StreamLogger, StreamSink, StreamSource } from '../connector.js';
import type { StateStore } from '../state/state-store.js';
import type { Checkpointer } from './checkpointer.js';
import type { Engine } from './engine.js';
import { StreamRunError } from './stream-run-error.js';

/**
 * What a run opened, in the order it opens them (sinks, operators, sources), so `close()` can
 * close all of it, also after a failure half-way. Each is recorded before it opens: a connector
 * that fails to open may hold something already.
 */
export class OpenedConnectors {
  readonly sinks = new Map<string, StreamSink>();
  readonly sources = new Map<string, StreamSource>();
  private readonly operators: Array<{ close?(): Promise<void> }> = [];

  async openSinks(engine: Engine, app: string, log: StreamLogger): Promise<void> {
    for (const node of engine.sinks()) {
      this.sinks.set(node.id, node.connector);
      try {
        await node.connector.open({ id: node.id, app, log });
      } catch (e) {
        throw new StreamRunError(`sink "${node.id}" (${node.connector.describe?.() ?? node.connector.kind}) could not open: ${(e as Error).message}`, node.id);
      }
    }
  }

  async openOperators(engine: Engine): Promise<void> {
    for (const op of engine.operators()) {
      if (!op.open) continue;
      this.operators.push(op);
      try {
        await op.open();
      } catch (e) {
        throw new StreamRunError(`${op.id}: could not start: ${(e as Error).message}`, op.id);
      }
    }
  }

  /** Opens the sources at their checkpointed positions; a source with an intake log gets it from the store. */
  async openSources(engine: Engine, parts: { store: StateStore; checkpoints: Checkpointer; signal: AbortSignal; log: StreamLogger }): Promise<void> {
    const { store, checkpoints, signal, log } = parts;
    const positions = checkpoints.positions;
    for (const node of engine.sources()) {
      const id = node.id;
      this.sources.set(id, node.connector);
      try {
        await node.connector.open({
          id, position: positions[id], signal, log,
          intake: () => {
            checkpoints.intakeSources.add(id);
            const intake = store.intake(id);
            const at = positions[id];
            if (intake.cut?.frames) log('warn', `source "${id}": its intake log ended in a torn append (${intake.cut.bytes} bytes, left by a machine crash while writing); cut off at the last whole append; messages in the torn part are lost unless their sender delivers them again (intake logs are not fsynced: docs/streaming.md)`);
            if (typeof at === 'number' && intake.lastSeq() < at) {
              log('warn', `source "${id}": its intake log ends at ${intake.lastSeq()}, before the checkpointed position ${at} (the machine crashed before the log reached the disk); messages it held after ${intake.lastSeq()} are lost, new ones continue after ${at}`);
              intake.skipTo(at);
            }
            return intake;
          },
          setPosition: (position) => {
            positions[id] = position;
          },
        });
      } catch (e) {
        throw new StreamRunError(`source "${id}" (${node.connector.describe?.() ?? node.connector.kind}) could not open: ${(e as Error).message}`, id);
      }
    }
  }

  /** Closes sources, operators, then sinks; errors are ignored (the run's own error matters). */
  async close(): Promise<void> {
    for (const [, s] of this.sources) await Promise.resolve(s.close()).catch(() => {});
    for (const op of this.operators) await op.close?.().catch(() => {});
    for (const [, s] of this.sinks) await Promise.resolve(s.close()).catch(() => {});
  }
}
