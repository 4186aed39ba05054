import { describe, expect, it } from 'vitest';
import * as sdkTesting from '@pypeline/sdk/testing';
import * as alias from './index.js';

describe('@pypeline/module-testing', () => {
  it('re-exports the SDK test harness unchanged', () => {
    for (const name of ['createTestContext', 'createInProcessPool', 'createRecordingLogger', 'runModule', 'checkConformance', 'assertConformance'] as const) {
      expect(alias[name]).toBe(sdkTesting[name]);
    }
  });
});
