import { CLIENT_DEFAULTS, type HttpClientConfig } from '@pypeline/http';

/** Configuration of `http_sink`. */
export interface Config extends HttpClientConfig {
  /** Where rows are sent; `{column}` takes the row's value, URL-encoded, e.g. "https://api.example.com/users/{id}" (rows of a batch share one URL) */
  url: string;
  /**
   * The request method
   * @default "POST"
   */
  method?: 'POST' | 'PUT' | 'PATCH';
  /**
   * `row`: one request per row, its body the row as a JSON object; `batch`: up to batch_size consecutive rows with the same URL per request, as a JSON array
   * @default "row"
   */
  mode?: 'row' | 'batch';
  /**
   * Rows per request (mode: batch)
   * @asType integer
   * @minimum 1
   * @default 100
   */
  batch_size?: number;
  /**
   * A request the server refuses (a 4xx, or a 429/5xx after the retries): `fail` stops the run (rows sent before stay sent);
   * `reject` sends its rows to the reject port with error_status, error_message and error_body, and carries on.
   * A server that cannot be reached always fails the run
   * @default "fail"
   */
  on_error?: 'fail' | 'reject';
}

/** The defaults above as values; a test keeps them equal to the generated manifest's. */
export const DEFAULTS = { method: 'POST', mode: 'row', batch_size: 100, on_error: 'fail' } as const satisfies Partial<Config>;

/** Every default, the client's included: what a run starts from. */
export const ALL_DEFAULTS = { ...CLIENT_DEFAULTS, ...DEFAULTS };
