export { createServer } from './create-server.js';
export type { PypeServer, ServerOptions } from './create-server.js';
export { RunRegistry } from './run-registry.js';
export type { RunPhase, RunRecord, RunView } from './run-registry.js';
export { contextProblems } from './check-context.js';
export type { ContextProblem } from './check-context.js';
