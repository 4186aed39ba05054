/** A problem the module author can fix; the CLI prints it without a stack trace. */
export class CodegenError extends Error {
  constructor(
    /** The package the problems were found in, e.g. `@pypeline/mod-csv-source`. */
    readonly packageName: string,
    /** Every problem found, each saying what is wrong and the fix. */
    readonly problems: string[],
  ) {
    super(`${packageName}: ${problems.join('; ')}`);
    this.name = 'CodegenError';
  }
}
