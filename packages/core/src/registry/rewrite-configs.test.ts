import { parseDocument } from 'yaml';
import { describe, expect, it } from 'vitest';
import { rewriteConfigs } from './rewrite-configs.js';

describe('rewriteConfigs', () => {
  it('creates configs where a module had none and moves a key with its comment', () => {
    const doc = parseDocument('modules:\n  - id: a\n    name: x\n  - id: b\n    name: y\n    configs:\n      optional:\n        # how many\n        k: 1 # old\n');
    rewriteConfigs(doc, 0, [{ key: 'new', kind: 'added', to: 'required', after: 'v' }]);
    rewriteConfigs(doc, 1, [{ key: 'k', kind: 'moved', from: 'optional', to: 'required', before: 1, after: 1 }]);
    expect(doc.toString()).toBe(
      'modules:\n  - id: a\n    name: x\n    configs:\n      required:\n        new: v\n  - id: b\n    name: y\n    configs:\n      required:\n        # how many\n        k: 1 # old\n',
    );
  });

  it('renames a key in place and drops sections left empty', () => {
    const doc = parseDocument('modules:\n  - id: a\n    name: x\n    configs:\n      required:\n        path: "in.csv" # input\n      optional:\n        gone: true\n');
    rewriteConfigs(doc, 0, [
      { key: 'file_path', kind: 'renamed', oldKey: 'path', from: 'required', to: 'required', before: 'in.csv', after: 'in.csv' },
      { key: 'gone', kind: 'removed', from: 'optional', before: true },
    ]);
    expect(doc.toString()).toBe('modules:\n  - id: a\n    name: x\n    configs:\n      required:\n        file_path: "in.csv" # input\n');
  });
});
