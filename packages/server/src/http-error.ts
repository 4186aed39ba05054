/** An error with the HTTP status to answer; its message (and hint, details) go to the client. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly extra: { hint?: string; errors?: Array<{ path: string; message: string }> } = {},
  ) {
    super(message);
    this.name = 'HttpError';
  }
}
