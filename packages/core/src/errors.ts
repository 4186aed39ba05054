import type { Diagnostic } from './flow/diagnostics.js';

/** An error the user can fix; the CLI prints its message without a stack trace. */
export class PypeError extends Error {
  readonly hint?: string;
  constructor(message: string, options: { hint?: string; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'PypeError';
    this.hint = options.hint;
  }
}

/** A flow that failed validation: carries every problem found. */
export class FlowValidationError extends PypeError {
  constructor(
    readonly file: string,
    readonly diagnostics: Diagnostic[],
  ) {
    const n = diagnostics.filter((d) => d.severity === 'error').length;
    super(`${file}: ${n} problem${n === 1 ? '' : 's'} found`);
    this.name = 'FlowValidationError';
  }
}

/** A bug in PYpeline itself. */
export class InternalError extends Error {
  constructor(message: string) {
    super(`${message} (this is a bug in PYpeline; please report it with --debug output)`);
    this.name = 'InternalError';
  }
}
