export interface ModuleErrorOptions {
  /** False when retrying cannot help (bad data, bad config). Default true. */
  retryable?: boolean;
  /** What the user should do about it. */
  hint?: string;
  cause?: unknown;
}

/** An error a module raises on purpose: its message is shown to the user without a stack trace. */
export class ModuleError extends Error {
  readonly retryable: boolean;
  readonly hint?: string;
  constructor(message: string, options: ModuleErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ModuleError';
    this.retryable = options.retryable ?? true;
    this.hint = options.hint;
  }
}

/** What runtimes read from anything thrown, duck-typed so an error from another copy of the SDK counts too. */
export type Thrown = { message?: string; hint?: string; retryable?: boolean; stack?: string; code?: string; cause?: unknown } | null | undefined;

/** The message of anything thrown: an Error's message, else its string form. */
export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** The `code` of a Node.js system error (`ENOENT`, `ECONNREFUSED`, …) or a driver error, if it has one. */
export function errorCode(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}
