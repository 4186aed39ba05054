#!/usr/bin/env node
// Build step after tsc: writes dist/command-index.json, each command's line of `pype --help`
// taken from its real registration, so the overview loads no command file (see src/program.ts).
import { writeFileSync } from 'node:fs';
import { commandIndex, COMMAND_INDEX_URL } from '../dist/program.js';

writeFileSync(COMMAND_INDEX_URL, `${JSON.stringify(await commandIndex(), null, 2)}\n`);
