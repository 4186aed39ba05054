import type { RecordBatch } from 'apache-arrow';
import { requireInput, type ModuleContext, type ModuleDefinition, type SchemaContext, type SchemaResult } from '@pypeline/sdk';
import { moduleLog, type BrokerLogger } from './broker-logger.js';
import type { Messages } from './message-values.js';
import { PUBLISH_DEFAULTS, type PublishConfig } from './publish-config.js';
import { publishRows } from './publish-rows.js';
import { assertPublishConfig } from './publish-schemas.js';

/** One broker sink: what it is, how it connects, publishes a group of rows and closes. `R` is its config with defaults. */
export interface BrokerSinkSpec<C extends PublishConfig, R extends C, P> {
  name: string;
  description: string;
  /** The config's defaults besides PUBLISH_DEFAULTS. */
  defaults: Partial<C>;
  /** Its `outputSchemas` (`publishSchemas(...)`), also run at the start of each run. */
  schemas: (ctx: SchemaContext<C>) => SchemaResult;
  /** The config key of the target template (`topic`, `subject`…) and its value. */
  target: (config: R) => { key: keyof C & string; value: string };
  /** Other config keys naming input columns (e.g. `key`). */
  columns?: (config: R) => Record<string, string | undefined>;
  /**
   * Connects (failing with the address and the fix) and prepares what publishing needs; for
   * `check` (`pype check` writes nothing) it only looks whether it could.
   */
  open(config: R, log: BrokerLogger, ctx: Pick<ModuleContext<C>, 'moduleId'>, purpose: 'run' | 'check'): Promise<P>;
  /** Publishes one group and resolves once the broker acknowledged all of it. */
  publish(client: P, messages: Messages, rows: RecordBatch, first: number, config: R, ctx: ModuleContext<C>): Promise<void>;
  /** Closes; `failed` when publishing failed (nothing to wait for). Must not throw. */
  close(client: P, failed: boolean): Promise<void>;
  /** `pype check`: beyond connecting, what to try (an exchange exists…); returns the line to show. */
  check(config: R, client: P): Promise<string>;
  /** Where the rows went, for the log line. */
  logFields(config: R): Record<string, unknown>;
}

/**
 * A broker sink module: checks every config problem with the real input before connecting,
 * publishes the input's rows `batch_size` at a time through `spec.publish` (each group
 * acknowledged before the next), closes, and sets `row_count`.
 */
export function brokerSink<C extends PublishConfig, R extends C, P>(spec: BrokerSinkSpec<C, R, P>): ModuleDefinition<C> {
  const resolve = (config: C) => ({ ...PUBLISH_DEFAULTS, ...spec.defaults, ...config }) as R;
  return {
    name: spec.name,
    type: 'sink',
    description: spec.description,
    category: 'Message Sinks',
    inputPorts: ['input'],
    globals: ['row_count'],
    outputSchemas: spec.schemas,
    async check({ config }) {
      const c = resolve(config);
      const client = await spec.open(c, () => {}, { moduleId: 'check' }, 'check');
      try {
        return await spec.check(c, client);
      } finally {
        await spec.close(client, false);
      }
    },
    async run(inputs, ctx) {
      const config = resolve(ctx.config);
      const input = requireInput(inputs, 'input', spec.name, 'connect a data edge to it, e.g. "source.data - publish.input"');
      const where = `${spec.name} (${ctx.moduleId})`;
      assertPublishConfig(spec.schemas, where, config, input.schema, ctx);
      const client = await spec.open(config, moduleLog(ctx.logger), ctx, 'run');
      const target = spec.target(config);
      let failed = true;
      let rows: number;
      try {
        rows = await publishRows(input, { where, targetKey: target.key, target: target.value, payloadColumn: config.payload_column, columns: spec.columns?.(config), batchSize: config.batch_size!, signal: ctx.signal },
          (messages, batch, first) => spec.publish(client, messages, batch, first, config, ctx));
        failed = false;
      } finally {
        await spec.close(client, failed);
      }
      ctx.setGlobal('row_count', rows);
      ctx.logger.info('published rows', { ...spec.logFields(config), rows });
    },
  };
}
