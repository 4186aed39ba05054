// The harness moved into @pypeline/sdk/testing so third-party module packages get it with the
// SDK; this private package re-exports it for the repository's existing modules.
export {
  createTestContext,
  createInProcessPool,
  createRecordingLogger,
  runModule,
  checkConformance,
  assertConformance,
} from '@pypeline/sdk/testing';
export type {
  TestContext,
  TestContextOptions,
  InProcessPool,
  LogRecord,
  LogLevel,
  RunModuleOptions,
  RunModuleResult,
  Conformance,
} from '@pypeline/sdk/testing';
