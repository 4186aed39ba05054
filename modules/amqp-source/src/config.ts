/** A column's type in `columns`. */
export type MessageColumnType = 'utf8' | 'int64' | 'float64' | 'boolean' | 'timestamp';

/** Configuration of `amqp_source`. */
export interface Config {
  /**
   * `amqp://user:password@host:port/vhost` (`amqps://` for TLS); pass a password from a context value
   * @default "amqp://guest:guest@127.0.0.1:5672"
   */
  url?: string;
  /** Queue to read (it must exist) */
  queue: string;
  /**
   * Read at most this many messages
   * @asType integer
   * @minimum 1
   */
  max_messages?: number;
  /**
   * Stop reading after this many seconds (a time window), with or without messages
   * @minimum 0
   */
  max_seconds?: number;
  /**
   * Stop when the queue has no message ready; false waits for more until max_messages or max_seconds
   * @default true
   */
  until_empty?: boolean;
  /**
   * `json`: each message is a JSON object (or an array of them), one row each; `text`: each message is one row whose `body` column holds its text
   * @default "json"
   */
  format?: 'json' | 'text';
  /**
   * Format json: the columns to take from each message and their types (`utf8`, `int64`, `float64`, `boolean`, `timestamp`), e.g. `{ id: int64, name: utf8 }`; other keys are ignored, missing ones are null. When left out, every key of the messages, typed from their values
   * @default {}
   */
  columns?: Record<string, MessageColumnType>;
  /** Adds each message's routing key as this column */
  routing_key_column?: string;
  /**
   * A message that is not what format says: `fail` stops the read and returns every message to the queue; `reject` rejects it without requeueing (RabbitMQ dead-letters it when the queue has a dead-letter exchange) and reads on
   * @default "fail"
   */
  on_error?: 'fail' | 'reject';
  /**
   * Seconds to wait for the broker before failing
   * @asType integer
   * @default 10
   */
  connect_timeout?: number;
}

/** The defaults above as values; a test keeps them equal to the generated manifest's. */
export const DEFAULTS = { url: 'amqp://guest:guest@127.0.0.1:5672', until_empty: true, format: 'json', columns: {} as Record<string, MessageColumnType>, on_error: 'fail', connect_timeout: 10 } as const;

/** The config with the defaults filled in. */
export type Resolved = Config & Required<Pick<Config, keyof typeof DEFAULTS>>;
