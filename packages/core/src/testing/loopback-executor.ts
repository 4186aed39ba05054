import { executeSubflowTask, type SubflowExecutor, type SubflowTask } from '../run/subflow-task.js';
import { fixtureProject } from './flow-files.js';

/** Runs every task through the worker entry point, after a JSON round trip as a queue would do. */
export function loopbackExecutor(): SubflowExecutor & { tasks: SubflowTask[] } {
  const tasks: SubflowTask[] = [];
  return {
    tasks,
    async run(task, onEvent) {
      const wire: SubflowTask = JSON.parse(JSON.stringify(task));
      tasks.push(wire);
      return JSON.parse(JSON.stringify(await executeSubflowTask(wire, { searchDirs: [fixtureProject()], onEvent })));
    },
  };
}
