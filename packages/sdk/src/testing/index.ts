// @pypeline/sdk/testing: what a module package's own tests use.
export { runModule } from './run-module.js';
export type { RunModuleOptions, RunModuleResult, TestInput } from './run-module.js';
export { checkConformance, assertConformance } from './check-conformance.js';
export type { Conformance, ConformanceOptions } from './check-conformance.js';
export { createTestContext } from './create-test-context.js';
export type { TestContext, TestContextOptions } from './create-test-context.js';
export { createInProcessPool } from './in-process-pool.js';
export type { InProcessPool } from './in-process-pool.js';
export { createRecordingLogger } from './recording-logger.js';
export type { LogRecord, LogLevel } from './recording-logger.js';
export { outputSchemasOf } from './output-schemas-of.js';
