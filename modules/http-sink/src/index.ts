import { configIssuesError, defineModule, requireInput } from '@pypeline/sdk';
import { Table, type RecordBatch } from 'apache-arrow';
import { ALL_DEFAULTS, type Config } from './config.js';
import { sinkProblems } from './config-problems.js';
import { rejectBatch, rejectSchema } from './reject-batch.js';
import { RowSender, type SinkConfig } from './send-rows.js';

export type { Config } from './config.js';

export default defineModule<Config>({
  name: 'http_sink',
  // A mod, not a sink: the module contract gives sinks no output port, and refused rows leave by `reject`.
  type: 'mod',
  description: 'Sends its input rows to a REST API (POST, PUT or PATCH; one row or a JSON array batch per request; URL templated from row values) with auth and retries; refused rows go to the reject port with the error',
  category: 'Web Services',
  cacheable: false,
  inputPorts: ['input'],
  outputPorts: ['reject'],
  globals: ['row_count', 'request_count', 'reject_count'],
  outputSchemas({ config, inputs }) {
    const problems = sinkProblems(config, inputs.input);
    if (problems.length) return { problems };
    return inputs.input ? { outputs: { reject: rejectSchema(inputs.input) } } : {};
  },
  async run(inputs, ctx) {
    const c: SinkConfig = { ...ALL_DEFAULTS, ...ctx.config };
    const where = `http_sink "${ctx.moduleId}"`;
    const input = requireInput(inputs, 'input', 'http_sink', 'connect a data edge to it, e.g. "source.data - send.input"');
    const problems = sinkProblems(c, input.schema);
    if (problems.length) throw configIssuesError(where, problems);
    const sender = new RowSender(c, where, ctx.signal, ({ attempt, waitMs, reason }) => ctx.logger.warn(`retrying after ${reason}`, { attempt, wait_ms: waitMs }));
    const rejects: RecordBatch[] = [];
    for await (const batch of input.batches()) {
      ctx.signal.throwIfAborted();
      const refusals = await sender.sendBatch(batch);
      if (refusals.length) rejects.push(rejectBatch(batch, refusals));
    }
    const rejected = rejects.reduce((n, b) => n + b.numRows, 0);
    if (rejected) ctx.logger.warn(`${rejected} rows refused by the server, sent to the reject port`, { url: c.url });
    ctx.setGlobal('row_count', sender.sent);
    ctx.setGlobal('request_count', sender.requests);
    ctx.setGlobal('reject_count', rejected);
    ctx.logger.info('sent rows', { url: c.url, method: c.method, rows: sender.sent, requests: sender.requests, rejected });
    return { reject: rejects.length ? new Table(rejects) : new Table(rejectSchema(input.schema)) };
  },
});
