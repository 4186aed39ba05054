export { createServer, defaultDatabase, openRunStore } from './create-server.js';
export type { PypeServer, ServerOptions } from './create-server.js';
export { RunRegistry } from './run-registry.js';
export type { RunPhase, RunRecord, RunView, Recovered } from './run-registry.js';
export type { RunStore, StoredRun, RunError } from './run-store.js';
export { SqliteRunStore } from './sqlite-run-store.js';
export { PostgresRunStore, DEFAULT_STORE_SCHEMA } from './postgres-run-store.js';
export { contextProblems } from './check-context.js';
export type { ContextProblem } from './check-context.js';
