#!/usr/bin/env node
import { createProgram } from './program.js';

// `pype list-modules | head`: the reader went away; stop quietly, as other Unix tools do.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
}

const program = await createProgram();
const debug = process.argv.includes('--debug');
try {
  await program.parseAsync(process.argv);
} catch (err) {
  // Loaded only on failure: it brings the engine's error classes (start-up time of --version and --help).
  const { reportError } = await import('./report-error.js');
  process.exitCode = reportError(err, debug);
}
