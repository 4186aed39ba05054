#!/usr/bin/env node
// A committed launcher, so pnpm can link the bin before dist/ is built.
import process from 'node:process';
import { main } from '../dist/cli.js';

process.exitCode = await main(process.argv.slice(2));
