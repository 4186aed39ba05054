import type { PublishConfig } from '@pypeline/brokers';

/** Configuration of `redis_stream_sink`. */
export interface Config extends PublishConfig {
  /**
   * `redis://[:password@]host:port[/db]` (`rediss://` for TLS); pass a password from a context value
   * @default "redis://127.0.0.1:6379"
   */
  url?: string;
  /** Key of the stream each row is appended to; `{column}` placeholders take the row's value, e.g. `events:{tenant}` */
  stream: string;
  /**
   * `json`: one field (`field`) holds the row as JSON, or the payload_column's value; `fields`: each column is a field of the entry (values as text, nulls left out)
   * @default "json"
   */
  format?: 'json' | 'fields';
  /**
   * The entry's field holding the payload with format json
   * @default "data"
   */
  field?: string;
  /**
   * Trims each stream to about this many entries as it appends (XADD MAXLEN ~)
   * @asType integer
   * @minimum 1
   */
  max_len?: number;
}

/** The defaults above as values; a test keeps them equal to the generated manifest's. */
export const DEFAULTS = { url: 'redis://127.0.0.1:6379', format: 'json', field: 'data' } as const;
