import type { PublishConfig } from '@pypeline/brokers';

/** Configuration of `amqp_sink`. */
export interface Config extends PublishConfig {
  /**
   * `amqp://user:password@host:port/vhost` (`amqps://` for TLS); pass a password from a context value, e.g. "amqp://app:{{context.amqp_password}}@mq:5672"
   * @default "amqp://guest:guest@127.0.0.1:5672"
   */
  url?: string;
  /**
   * Exchange to publish to; "" is the default exchange, which routes a message to the queue named by its routing key
   * @default ""
   */
  exchange?: string;
  /**
   * Declare the exchange (durable) with this type when it does not exist; when left out, the exchange must exist
   */
  exchange_type?: 'direct' | 'topic' | 'fanout' | 'headers';
  /**
   * Routing key of each message; `{column}` placeholders take the row's value, e.g. `orders.{region}`; when left out, the queue's name
   */
  routing_key?: string;
  /**
   * Declare this queue (durable) so messages have somewhere to go; with a named exchange it is also bound to it with `binding_key`
   */
  queue?: string;
  /**
   * With queue and a named exchange: the key (topic exchange: the pattern, e.g. `orders.#`) the queue is bound with; when left out, the routing key, which must then have no placeholders
   */
  binding_key?: string;
  /**
   * Messages survive a broker restart (delivery mode 2) in durable queues
   * @default true
   */
  persistent?: boolean;
  /**
   * Fail when the broker cannot route a message to any queue (mandatory flag); when false such messages are dropped by the broker
   * @default true
   */
  fail_unroutable?: boolean;
  /**
   * Seconds to wait for the broker before failing
   * @asType integer
   * @default 10
   */
  connect_timeout?: number;
}

/** The defaults above as values; a test keeps them equal to the generated manifest's. */
export const DEFAULTS = { url: 'amqp://guest:guest@127.0.0.1:5672', exchange: '', persistent: true, fail_unroutable: true, connect_timeout: 10 } as const;
