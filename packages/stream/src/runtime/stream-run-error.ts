/** A stream app failed; `node` names where. */
export class StreamRunError extends Error {
  constructor(message: string, readonly node?: string) {
    super(message);
  }
}
