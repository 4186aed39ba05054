/** An aggregate that cannot be computed over this input (wrong column type, an overflow); `hint` is the fix. */
export class AggregateError extends Error {
  constructor(
    message: string,
    readonly hint: string,
  ) {
    super(message);
    this.name = 'AggregateError';
  }
}
