export { TestRunner } from './test-runner.js';
