import { Kafka, logLevel, type KafkaConfig, type LogEntry } from 'kafkajs';
import type { BrokerLogger } from './broker-logger.js';

/** Client settings besides the brokers: `ssl`, `sasl`, `connectionTimeout`, `retry`… (kafkajs's KafkaConfig). */
export type KafkaClientOptions = Omit<KafkaConfig, 'brokers' | 'clientId' | 'logCreator' | 'logLevel'>;

/** A kafkajs client whose log goes to `log` (its info lines are chatty: debug). */
export function kafkaClient(options: { brokers: string[]; clientId?: string; client?: KafkaClientOptions }, log: BrokerLogger): Kafka {
  const levels: Record<number, 'error' | 'warn' | 'debug'> = { [logLevel.ERROR]: 'error', [logLevel.WARN]: 'warn', [logLevel.INFO]: 'debug', [logLevel.DEBUG]: 'debug' };
  return new Kafka({
    ...options.client,
    brokers: options.brokers,
    clientId: options.clientId ?? 'pypeline',
    logLevel: logLevel.WARN,
    logCreator: () => ({ level, namespace, log: entry }: LogEntry) => {
      const { message, timestamp: _t, logger: _l, ...fields } = entry;
      log(levels[level] ?? 'debug', `kafka ${namespace}: ${message}`, fields);
    },
  });
}
