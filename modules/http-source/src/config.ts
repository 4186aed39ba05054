import { CLIENT_DEFAULTS, type HttpClientConfig } from '@pypeline/http';

/** A column type `schema` can set (the types inference chooses from). */
export type JsonColumnType = 'int64' | 'float64' | 'boolean' | 'date' | 'timestamp' | 'utf8';

/** Configuration of `http_source`. */
export interface Config extends HttpClientConfig {
  /** The URL of the first page, e.g. "https://api.example.com/v1/orders?status={{context.status}}" */
  url: string;
  /**
   * The request method; a POST sends body with every page's request
   * @default "GET"
   */
  method?: 'GET' | 'POST';
  /**
   * Query parameters added to url, e.g. { status: open, since: "{{context.since}}" }
   * @default {}
   */
  query?: Record<string, string>;
  /** The request body (method: POST): text sent as it is, or an object sent as JSON */
  body?: string | Record<string, unknown>;
  /**
   * Where the records are in the JSON answer: a dotted path such as `data.items` (`items[0].rows` for an array element); empty when the answer itself is the array of records
   * @default ""
   */
  records_path?: string;
  /**
   * How the next page is found: `none` (one request); `page` (page_param counts up from page_start); `offset` (offset_param grows by the records read);
   * `cursor` (the value at cursor_path is sent as cursor_param); `next_link` (the URL at next_path); `link_header` (the `Link: <…>; rel="next"` header, RFC 8288).
   * Paging stops at an empty page, at the end of the links or cursors, at total_path's total, or at max_pages
   * @default "none"
   */
  pagination?: 'none' | 'page' | 'offset' | 'cursor' | 'next_link' | 'link_header';
  /**
   * The query parameter of the page number (pagination: page)
   * @default "page"
   */
  page_param?: string;
  /**
   * The first page's number (pagination: page)
   * @asType integer
   * @default 1
   */
  page_start?: number;
  /**
   * The query parameter of the offset (pagination: offset)
   * @default "offset"
   */
  offset_param?: string;
  /** The query parameter of the page size, e.g. per_page or limit (sent with page_size) */
  page_size_param?: string;
  /**
   * Records asked per page (sent as page_size_param)
   * @asType integer
   * @minimum 1
   */
  page_size?: number;
  /** A dotted path to the total number of records in the answer, e.g. meta.total (pagination: page or offset): paging stops once that many are read */
  total_path?: string;
  /** A dotted path to the next page's cursor in the answer, e.g. meta.next_cursor (pagination: cursor); a missing, null or empty cursor ends paging */
  cursor_path?: string;
  /**
   * The query parameter the cursor is sent in (pagination: cursor)
   * @default "cursor"
   */
  cursor_param?: string;
  /** A dotted path to the next page's URL in the answer, e.g. links.next (pagination: next_link); relative URLs are read against the page's own */
  next_path?: string;
  /**
   * Pages read at most (0: no limit)
   * @asType integer
   * @minimum 0
   * @default 0
   */
  max_pages?: number;
  /**
   * Records per Arrow record batch
   * @asType integer
   * @minimum 1
   * @default 10000
   */
  batch_size?: number;
  /**
   * Records read to choose the columns and their types before the first batch; 0 reads every page first
   * @asType integer
   * @minimum 0
   * @default 1000
   */
  sample_rows?: number;
  /**
   * Column types that override inference, by key, e.g. { id: int64, zip: utf8 }
   * @default {}
   */
  schema?: Record<string, JsonColumnType>;
}

/** The defaults above as values (with the client's); a test keeps them equal to the generated manifest's. */
export const DEFAULTS = {
  method: 'GET',
  query: {},
  records_path: '',
  pagination: 'none',
  page_param: 'page',
  page_start: 1,
  offset_param: 'offset',
  cursor_param: 'cursor',
  max_pages: 0,
  batch_size: 10_000,
  sample_rows: 1000,
  schema: {},
} as const satisfies Partial<Config>;

/** Every default, the client's included: what a run starts from. */
export const ALL_DEFAULTS = { ...CLIENT_DEFAULTS, ...DEFAULTS };
