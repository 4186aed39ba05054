import { publishSchemas } from '@pypeline/brokers';
import type { Config } from './config.js';

/** Checks the subject's `{column}` placeholders, payload_column and msg_id against the input. */
export const natsSinkSchemas = publishSchemas<Config>({
  targetKey: 'subject',
  columns: (c) => ({ msg_id: c.msg_id }),
  issues: (c) => (c.msg_id !== undefined && !c.jetstream ? [{ key: ['msg_id'], message: 'msg_id is used by JetStream only; core NATS has no message ids', hint: 'set jetstream: true, or leave msg_id out' }] : []),
});
