#!/usr/bin/env node
import { createProgram } from './program.js';
import { reportError } from './report-error.js';

const program = await createProgram();
const debug = process.argv.includes('--debug');
try {
  await program.parseAsync(process.argv);
} catch (err) {
  process.exitCode = reportError(err, debug);
}
