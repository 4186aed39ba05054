import { connect, type IClientOptions, type MqttClient } from 'mqtt';
import { ModuleError } from '@pypeline/sdk';
import { safeUrl } from './broker-url.js';
import type { BrokerLogger } from './broker-logger.js';

export interface MqttConnectOptions {
  /** Broker URL, e.g. `mqtt://127.0.0.1:1883` (`mqtts://` for TLS). */
  url: string;
  username?: string;
  /** @secret */
  password?: string;
  /** How long to wait for the broker on start (ms). @default 10000 */
  connectTimeoutMs?: number;
}

/**
 * Connects and waits for the broker's answer, so a wrong URL fails the start with a clear
 * message; later disconnections are retried by mqtt.js. `prepare` runs before any packet can
 * arrive (a persistent session delivers queued messages right after connecting).
 */
export async function connectMqtt(options: MqttConnectOptions, session: Pick<IClientOptions, 'clientId' | 'clean'>, log: BrokerLogger, prepare?: (client: MqttClient) => void): Promise<MqttClient> {
  const url = safeUrl(options.url);
  const client = connect(options.url, {
    ...session, username: options.username, password: options.password,
    protocolVersion: 4, // 3.1.1: clean: false keeps the session after a disconnect
    // No reconnect timer until the first connection succeeds: a failed start must leave nothing
    // scheduled (a pending reconnect kept the process alive after the error was reported).
    connectTimeout: options.connectTimeoutMs ?? 10_000, reconnectPeriod: 0, manualConnect: true,
  });
  prepare?.(client);
  let settle!: (error?: Error) => void;
  const answered = new Promise<void>((resolve, reject) => (settle = (error) => (error ? reject(error) : resolve())));
  const onConnect = () => settle();
  const onError = (e: Error) => settle(e);
  const onClose = () => settle(new Error('the connection closed before the broker answered'));
  client.once('connect', onConnect).once('error', onError).once('close', onClose);
  try {
    client.connect();
    await answered;
  } catch (e) {
    client.on('error', () => {}); // a late socket error must not crash the process
    await client.endAsync(true).catch(() => {});
    const code = (e as { code?: unknown }).code;
    const fix = code === 4 || code === 5 ? 'check username and password' : 'start Mosquitto (or another MQTT broker), or set url to where it runs';
    throw new ModuleError(`cannot connect to the MQTT broker at ${url} (${(e as Error).message}): ${fix}`, { retryable: code !== 4 && code !== 5, cause: e });
  } finally {
    client.off('connect', onConnect).off('error', onError).off('close', onClose);
  }
  client.options.reconnectPeriod = 1000;
  client.on('error', (e) => log('warn', `mqtt ${url}: ${e.message}`));
  client.on('offline', () => log('warn', `mqtt ${url}: disconnected, reconnecting`));
  client.on('connect', () => log('info', `mqtt ${url}: reconnected`));
  return client;
}
