import type { PublishConfig } from '@pypeline/brokers';

/** Configuration of `nats_sink`. */
export interface Config extends PublishConfig {
  /**
   * Server addresses, e.g. ["127.0.0.1:4222"] or ["nats://a:4222", "nats://b:4222"]
   * @default ["127.0.0.1:4222"]
   */
  servers?: string[];
  /** Subject of each message; `{column}` placeholders take the row's value, e.g. `orders.{region}` */
  subject: string;
  /**
   * Publish through JetStream: every message is acknowledged by the stream that stores its subject, and carries a message id (`msg_id`, or one made of the run, the node and the row number), so the stream drops the copies a retried or resumed run publishes again within its duplicate window. Without it, core NATS: the sink waits until the server has received every message (a flush), but nothing confirms a subscriber got it
   * @default false
   */
  jetstream?: boolean;
  /** JetStream: the column whose value is each message's id (`Nats-Msg-Id`), for de-duplication across runs */
  msg_id?: string;
  /** User name, when the server asks for one */
  user?: string;
  /**
   * Password of the user; pass it from a context value, never written in the flow
   * @secret
   */
  pass?: string;
  /**
   * Token, when the server authenticates by token; pass it from a context value
   * @secret
   */
  token?: string;
}

/** The defaults above as values; a test keeps them equal to the generated manifest's. */
export const DEFAULTS = { servers: ['127.0.0.1:4222'] as string[], jetstream: false } as const;
