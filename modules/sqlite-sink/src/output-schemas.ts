import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import Database from 'better-sqlite3';
import type { SchemaContext, SchemaResult } from '@pypeline/sdk';
import { DEFAULTS, type Config, type ResolvedConfig } from './config.js';
import { configProblems, tableProblems } from './table-plan.js';

/** Checks the options, and the input against the table when the database and the input schema are known. */
export function sqliteSinkSchemas({ config: raw, inputs }: SchemaContext<Config>): SchemaResult {
  const config = { ...DEFAULTS, ...raw } as ResolvedConfig;
  const problems = configProblems(config, inputs.input);
  const path = resolve(config.database);
  if (problems.length > 0 || !inputs.input || !existsSync(path)) return { problems };
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    return { problems: tableProblems(db, config, inputs.input) };
  } finally {
    db.close();
  }
}
