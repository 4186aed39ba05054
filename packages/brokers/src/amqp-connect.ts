import { connect, type ChannelModel } from 'amqplib';
import { ModuleError } from '@pypeline/sdk';
import { safeUrl } from './broker-url.js';
import type { BrokerLogger } from './broker-logger.js';

export interface AmqpConnectOptions {
  /** `amqp://user:password@host:port/vhost` (`amqps://` for TLS). */
  url: string;
  /** How long to wait for the broker (ms). @default 10000 */
  connectTimeoutMs?: number;
}

/**
 * Connects to an AMQP 0-9-1 broker (RabbitMQ), failing with the fix when it does not answer
 * or refuses the login; later connection errors are logged (the channel's operations fail).
 */
export async function connectAmqp(options: AmqpConnectOptions, log: BrokerLogger, name = 'pypeline'): Promise<ChannelModel> {
  const url = safeUrl(options.url);
  let connection: ChannelModel;
  try {
    connection = await connect(options.url, { timeout: options.connectTimeoutMs ?? 10_000, clientProperties: { connection_name: name } });
  } catch (e) {
    const why = (e as Error).message;
    const auth = /ACCESS.REFUSED|403/.test(why);
    const vhost = /NOT.ALLOWED|530|vhost/i.test(why);
    const fix = auth ? 'check the user and password in url' : vhost ? 'check the virtual host in url (the path after host:port; none means "/"), and that the user may use it' : 'start RabbitMQ (or another AMQP 0-9-1 broker), or set url to where it runs';
    throw new ModuleError(`cannot connect to the AMQP broker at ${url} (${why}): ${fix}`, { retryable: !auth && !vhost, cause: e });
  }
  connection.on('error', (e: Error) => log('warn', `amqp ${url}: ${e.message}`));
  connection.on('blocked', (reason: string) => log('warn', `amqp ${url}: the broker blocks publishing (${reason}); waiting`));
  return connection;
}
