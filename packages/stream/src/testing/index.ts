export { TestRunner } from './test-runner.js';
export { endlessSource } from './endless-source.js';
export { stateDirs } from './state-dirs.js';
