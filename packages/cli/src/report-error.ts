import { FlowValidationError, formatDiagnostic, PypeError, sortDiagnostics } from '@pypeline/core';

/** Prints an error for a person: message, fix, and a stack only with --debug. Returns the exit code. */
export function reportError(err: unknown, debug: boolean): number {
  if (err instanceof FlowValidationError) {
    for (const d of sortDiagnostics(err.diagnostics)) process.stderr.write(`${formatDiagnostic(err.file, d)}\n`);
    process.stderr.write(`\n✗ ${err.message}\n`);
  } else if (err instanceof PypeError) {
    process.stderr.write(`✗ ${err.message}\n`);
    if (err.hint) process.stderr.write(`  fix: ${err.hint}\n`);
  } else {
    const msg = err instanceof Error ? err.message : String(err);
    process.stderr.write(`✗ internal error: ${msg}\n  this is a bug in PYpeline; rerun with --debug and report the output\n`);
  }
  if (debug && err instanceof Error && err.stack) process.stderr.write(`\n${err.stack}\n`);
  else if (!(err instanceof PypeError)) process.stderr.write('  (run with --debug for the stack trace)\n');
  return 1;
}
