import { publishSchemas } from '@pypeline/brokers';
import type { Config } from './config.js';

/** Checks the subject's `{column}` placeholders, payload_column and msg_id_column against the input. */
export const natsSinkSchemas = publishSchemas<Config>({
  targetKey: 'subject',
  columns: (c) => ({ msg_id_column: c.msg_id_column }),
  issues: (c) => (c.msg_id_column !== undefined && !c.jetstream ? [{ key: ['msg_id_column'], message: 'msg_id_column is used by JetStream only; core NATS has no message ids', hint: 'set jetstream: true, or leave msg_id_column out' }] : []),
});
