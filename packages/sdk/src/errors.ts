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
