export { createTestContext } from './create-test-context.js';
export type { TestContext, TestContextOptions } from './create-test-context.js';
export { createInProcessPool } from './in-process-pool.js';
export type { InProcessPool } from './in-process-pool.js';
export { createRecordingLogger } from './recording-logger.js';
export type { LogRecord, LogLevel } from './recording-logger.js';
