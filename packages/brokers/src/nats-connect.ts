import { connect, type ConnectionOptions, type NatsConnection } from 'nats';
import { ModuleError } from '@pypeline/sdk';
import type { BrokerLogger } from './broker-logger.js';

export interface NatsConnectOptions {
  /** Server address(es), e.g. `127.0.0.1:4222` or `nats://a:4222,nats://b:4222` as an array. */
  servers: string | string[];
  user?: string;
  /** @secret */
  pass?: string;
  /** @secret */
  token?: string;
}

/** Server addresses for logs: `nats://127.0.0.1:4222,nats://b:4222`. */
export function natsUrls(servers: string | string[]): string {
  return [servers].flat().map((s) => (s.includes('://') ? s : `nats://${s}`)).join(',');
}

/** Connects (retrying forever once connected), failing the start with the fix when no server answers. */
export async function connectNats(options: NatsConnectOptions, log: BrokerLogger, name = 'pypeline-stream'): Promise<NatsConnection> {
  const servers = [options.servers].flat();
  const opts: ConnectionOptions = { servers, user: options.user, pass: options.pass, token: options.token, maxReconnectAttempts: -1, name };
  let nc: NatsConnection;
  try {
    nc = await connect(opts);
  } catch (e) {
    const code = (e as { code?: unknown }).code;
    const fix = code === 'AUTHORIZATION_VIOLATION' ? 'check user, pass or token' : 'start nats-server (with -js for JetStream), or set servers to where it runs';
    throw new ModuleError(`cannot connect to NATS at ${servers.join(', ')} (${(e as Error).message}): ${fix}`, { retryable: code !== 'AUTHORIZATION_VIOLATION', cause: e });
  }
  void (async () => {
    for await (const s of nc.status()) {
      if (s.type === 'disconnect' || s.type === 'reconnect' || s.type === 'error') log(s.type === 'reconnect' ? 'info' : 'warn', `nats ${servers.join(', ')}: ${s.type} ${String(s.data)}`);
    }
  })();
  return nc;
}
