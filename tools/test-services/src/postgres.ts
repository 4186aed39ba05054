import { serviceAddress } from './services.js';

/** How tests reach the local PostgreSQL: trust auth, database `test` unless overridden. */
export interface PostgresTestConfig {
  host: string;
  port: number;
  user: string;
  database: string;
}

export function postgresTestConfig(env: NodeJS.ProcessEnv = process.env): PostgresTestConfig {
  const { host, port } = serviceAddress('postgres', env);
  return { host, port, user: env.PYPE_POSTGRES_USER ?? 'postgres', database: env.PYPE_POSTGRES_DATABASE ?? 'test' };
}

/** A name no other test run uses, for a schema or table: `<prefix>_<pid>_<random>`. */
export function uniqueName(prefix: string): string {
  return `${prefix}_${process.pid}_${Math.random().toString(36).slice(2, 8)}`.toLowerCase();
}
