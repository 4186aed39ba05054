#!/usr/bin/env node
// `pype list-modules | head`: the reader went away; stop quietly, as other Unix tools do.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
}

const args = process.argv.slice(2);
if (args.length === 1 && (args[0] === '--version' || args[0] === '-V')) {
  // What commander prints for it, without loading commander (a third of this command's start-up).
  const { VERSION } = await import('./version.js');
  process.stdout.write(`${VERSION}\n`);
} else {
  const { createProgram } = await import('./program.js');
  const program = await createProgram();
  const debug = process.argv.includes('--debug');
  try {
    await program.parseAsync(process.argv);
  } catch (err) {
    // Loaded only on failure: it brings the engine's error classes (start-up time of --version and --help).
    const { reportError } = await import('./report-error.js');
    process.exitCode = reportError(err, debug);
  }
}
