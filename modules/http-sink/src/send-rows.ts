import { bodyExcerpt, rateLimiter, requestAuth, retryPolicy, send, statusError, type HttpRequest, type SendOptions } from '@pypeline/http';
import { ModuleError } from '@pypeline/sdk';
import { jsonRowEncoder } from '@pypeline/verbs';
import type { RecordBatch } from 'apache-arrow';
import type { ALL_DEFAULTS, Config } from './config.js';
import type { Refusal } from './reject-batch.js';
import { urlTemplate } from './url-template.js';

/** A config with every default filled in. */
export type SinkConfig = Config & Required<Pick<Config, keyof typeof ALL_DEFAULTS>>;

/** Rows of one batch that go in one request. */
interface Group {
  url: string;
  rows: number[];
}

/**
 * Sends rows batch by batch and says which were refused. Keeps the client (auth with its cached
 * token, the rate limiter) across batches, and counts what was sent for the messages.
 */
export class RowSender {
  sent = 0;
  requests = 0;
  /** Rows of earlier batches, so messages number rows across the input. */
  private seen = 0;
  private readonly options: SendOptions;
  private readonly retries: number;
  constructor(private readonly c: SinkConfig, private readonly where: string, signal: AbortSignal, onRetry: SendOptions['onRetry']) {
    const policy = retryPolicy(c);
    this.retries = policy.retries ?? 0;
    this.options = { ...policy, where, signal, limiter: rateLimiter(c), auth: requestAuth(c, where, policy), onRetry };
  }

  /** Sends the batch's rows; the refused ones (on_error: reject) are returned, else a refusal fails the run. */
  async sendBatch(batch: RecordBatch): Promise<Refusal[]> {
    const columns = batch.data.children;
    const encode = jsonRowEncoder(batch.schema.fields);
    const urlOf = urlTemplate(this.c.url, batch.schema);
    const refusals: Refusal[] = [];
    const groups: Group[] = [];
    const base = this.seen;
    this.seen += batch.numRows;
    for (let i = 0; i < batch.numRows; i++) {
      const made = urlOf(columns, i);
      if ('missing' in made) {
        const refusal = { row: i, status: null, message: `column "${made.missing}" is null, and url needs it`, body: '' };
        this.refuse(refusals, refusal, `${this.where}: row ${base + i + 1}: ${refusal.message}`, 'fill the column, or filter such rows out before http_sink');
        continue;
      }
      const last = groups.at(-1);
      if (this.c.mode === 'batch' && last?.url === made.url && last.rows.length < this.c.batch_size && last.rows.at(-1) === i - 1) last.rows.push(i);
      else groups.push({ url: made.url, rows: [i] });
    }
    for (const group of groups) {
      const body = this.c.mode === 'batch' ? `[${group.rows.map((i) => encode(columns, i)).join(',')}]` : encode(columns, group.rows[0]);
      const request: HttpRequest = { method: this.c.method, url: group.url, headers: { 'content-type': 'application/json', accept: 'application/json', ...this.c.headers }, body };
      const answer = await send(request, this.options).catch((error: unknown) => {
        throw error instanceof ModuleError ? new ModuleError(`${error.message}; ${this.sent} rows were sent before`, { hint: error.hint, cause: error }) : error;
      });
      this.requests++;
      if (answer.ok) {
        this.sent += group.rows.length;
        continue;
      }
      const error = statusError(this.where, request, answer, this.retries);
      for (const row of group.rows) {
        this.refuse(refusals, { row, status: answer.status, message: `${answer.status} ${answer.statusText}`, body: bodyExcerpt(answer.text) }, error.message, error.hint);
      }
    }
    return refusals;
  }

  private refuse(refusals: Refusal[], refusal: Refusal, message: string, hint: string | undefined): void {
    if (this.c.on_error === 'fail') {
      throw new ModuleError(`${message}; ${this.sent} rows were sent before`, { retryable: false, hint: `${hint ?? 'fix the rows'}; or set on_error: reject to send refused rows to the reject port and carry on` });
    }
    refusals.push(refusal);
  }
}
