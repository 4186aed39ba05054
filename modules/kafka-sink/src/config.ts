import type { PublishConfig } from '@pypeline/brokers';

/** Configuration of `kafka_sink`. */
export interface Config extends PublishConfig {
  /** `host:port` of one or more brokers, e.g. ["127.0.0.1:9092"] */
  brokers: string[];
  /** Topic of each message; `{column}` placeholders take the row's value, e.g. `orders-{region}` */
  topic: string;
  /** The column whose value is each message's key (Kafka sends equal keys to one partition, in order); when left out, messages have no key */
  key?: string;
  /**
   * Client id the brokers see
   * @default "pypeline"
   */
  client_id?: string;
  /**
   * Connect with TLS
   * @default false
   */
  ssl?: boolean;
  /** SASL/PLAIN user name, when the brokers ask for one */
  username?: string;
  /**
   * SASL/PLAIN password; pass it from a context value
   * @secret
   */
  password?: string;
  /**
   * Seconds to wait for a broker before failing
   * @asType integer
   * @default 10
   */
  connect_timeout?: number;
}

/** The defaults above as values; a test keeps them equal to the generated manifest's. */
export const DEFAULTS = { client_id: 'pypeline', ssl: false, connect_timeout: 10 } as const;
