export { TestRunner } from './test-runner.js';
export { endlessSource } from './endless-source.js';
