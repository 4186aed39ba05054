import type { JetStreamClient, NatsConnection } from 'nats';
import { brokerSink, cellText, connectNats, type Messages, natsUrls, PUBLISH_DEFAULTS } from '@pypeline/brokers';
import { defineModule, ModuleError, type ModuleContext } from '@pypeline/sdk';
import type { RecordBatch } from 'apache-arrow';
import { DEFAULTS, type Config } from './config.js';
import { natsSinkSchemas } from './output-schemas.js';

export type { Config } from './config.js';

type Resolved = Config & Required<Pick<Config, keyof typeof DEFAULTS | keyof typeof PUBLISH_DEFAULTS>>;

export default defineModule<Config>(brokerSink<Config, Resolved, Client>({
  name: 'nats_sink',
  description: 'Publishes each row to NATS as JSON (or one column as payload), subject templated from row values; through JetStream with acknowledgements and de-duplicating message ids, or core NATS',
  defaults: DEFAULTS,
  schemas: natsSinkSchemas,
  target: (c) => ({ key: 'subject', value: c.subject }),
  columns: (c) => ({ msg_id: c.msg_id }),
  async open(c, log, ctx) {
    const nc = await connectNats(connectOptions(c), log, `pypeline-${ctx.moduleId}`);
    return { nc, js: c.jetstream ? nc.jetstream() : undefined };
  },
  publish: ({ nc, js }, messages, rows, first, c, ctx) => (js ? publishJetStream(js, messages, msgIds(c, ctx, rows, first)) : publishCore(nc, messages)),
  close: ({ nc }) => nc.close().catch(() => {}),
  async check(c, { nc }) {
    if (c.jetstream) {
      await nc.jetstreamManager().catch((e: Error) => {
        throw new ModuleError(`JetStream is not enabled on ${natsUrls(c.servers)} (${e.message})`, { retryable: false, hint: 'start the server with JetStream (nats-server -js), or set jetstream: false' });
      });
    }
    return `NATS at ${natsUrls(c.servers)} accepts the connection${c.jetstream ? ', with JetStream' : ''}`;
  },
  logFields: (c) => ({ servers: natsUrls(c.servers), subject: c.subject, jetstream: c.jetstream }),
}));

interface Client {
  nc: NatsConnection;
  js?: JetStreamClient;
}

function connectOptions(c: Resolved) {
  return { servers: c.servers, user: c.user, pass: c.pass, token: c.token };
}

/** Core NATS: published into the connection's buffer, then a flush: the server has received them all. */
async function publishCore(nc: NatsConnection, { targets, payloads }: Messages): Promise<void> {
  payloads.forEach((payload, i) => nc.publish(targets[i], payload));
  await nc.flush();
}

async function publishJetStream(js: JetStreamClient, { targets, payloads }: Messages, ids: string[]): Promise<void> {
  await Promise.all(payloads.map(async (payload, i) => {
    try {
      await js.publish(targets[i], payload, { msgID: ids[i] });
    } catch (e) {
      if (String((e as { code?: unknown }).code) === '503') {
        throw new ModuleError(`no JetStream stream stores subject "${targets[i]}"`, { retryable: false, hint: 'add the subject to a stream (nats stream add … --subjects …), or set jetstream: false', cause: e });
      }
      throw e;
    }
  }));
}

/**
 * Each row's message id: the msg_id's value, or `<run>:<node>:<row>`, the same when a
 * retried or resumed run (same run id) publishes the same rows again, so JetStream drops the copies.
 */
function msgIds(config: Resolved, ctx: ModuleContext<Config>, batch: RecordBatch, first: number): string[] {
  const k = config.msg_id === undefined ? -1 : batch.schema.fields.findIndex((f) => f.name === config.msg_id);
  if (k < 0) return Array.from({ length: batch.numRows }, (_, i) => `${ctx.runId}:${ctx.nodeId}:${first + i}`);
  const text = cellText(batch.schema.fields[k]);
  const column = batch.data.children[k];
  return Array.from({ length: batch.numRows }, (_, i) => {
    const id = text(column, i);
    if (id === null) throw new ModuleError(`row ${first + i} has no value in msg_id "${config.msg_id}"`, { retryable: false, hint: 'fill the column, or filter such rows out before the sink' });
    return id;
  });
}
