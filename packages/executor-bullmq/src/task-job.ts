import type { SubflowTask } from '@pypeline/core';

/** What one BullMQ job carries: the engine's task plus what the queue layer adds. */
export interface TaskJobData {
  task: SubflowTask;
  /** Exclusive resources the worker must lock before running the task (sorted). */
  locks: string[];
  /** Flow name, for people reading the queue. */
  flow: string;
  /**
   * The W3C traceparent of the coordinator's run span when it traces: a tracing worker starts
   * the task's spans under it, so a distributed run is one trace.
   */
  traceparent?: string;
}

/** `<run>.<subflow>.<frame>`: unique per task of a run, readable in `pype dlq list`. */
export function taskJobId(task: SubflowTask): string {
  return `${task.runId}.${task.subflow}.${frameOf(task)}`;
}

/** `0` outside loops, else the iteration path (`2`, `2.1`), as in node ids. */
export function frameOf(task: SubflowTask): string {
  return task.frame.path.length ? task.frame.path.join('.') : '0';
}

/** `flow/subflow#frame`, how workers and messages name a task. */
export function taskLabel(data: Pick<TaskJobData, 'task' | 'flow'>): string {
  return `${data.flow}/${data.task.subflow}#${frameOf(data.task)}`;
}
