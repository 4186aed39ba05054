import { publishSchemas } from '@pypeline/brokers';
import type { Config } from './config.js';

/** Checks the topic's `{column}` placeholders and payload_column against the input. */
export const mqttSinkSchemas = publishSchemas<Config>({ targetKey: 'topic' });
