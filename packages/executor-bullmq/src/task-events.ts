import type { EventPayload, PypeEvent, SubflowTaskResult } from '@pypeline/core';

/** What a worker sends through `job.updateProgress`: the events since the last batch. */
export interface EventBatch {
  events: EventPayload[];
}

/**
 * Worker side: collects a task's events and sends them in batches (one Redis round trip per
 * batch instead of per event). Order is kept: batches go out one after another.
 */
export class EventForwarder {
  private buffer: EventPayload[] = [];
  private timer: NodeJS.Timeout | undefined;
  private chain: Promise<void> = Promise.resolve();

  constructor(
    private readonly send: (batch: EventBatch) => Promise<unknown>,
    private readonly delayMs = 250,
  ) {}

  /** Takes an engine event (with runId and time) or a bare payload. */
  push = (event: PypeEvent | EventPayload): void => {
    const { runId: _r, time: _t, ...payload } = event as PypeEvent;
    this.buffer.push(payload as EventPayload);
    this.timer ??= setTimeout(() => void this.flush(), this.delayMs);
  };

  /**
   * Ends the forwarding: waits for the batches already sent and returns the events still
   * buffered, for the caller to deliver another way (with the task's result).
   */
  async rest(): Promise<EventPayload[]> {
    clearTimeout(this.timer);
    this.timer = undefined;
    const events = this.buffer;
    this.buffer = [];
    await this.chain;
    return events;
  }

  /** Sends what is buffered and waits until every batch has been written. */
  flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.buffer.length) {
      const events = this.buffer;
      this.buffer = [];
      // A lost batch only costs progress lines, never the task: the result travels separately.
      this.chain = this.chain.then(() => this.send({ events })).then(() => {}, () => {});
    }
    return this.chain;
  }
}

/**
 * What a worker returns for a task: the engine's result, with the events not yet sent as
 * progress. A short task's events ride on its result instead of costing a round trip of their
 * own; the coordinator replays them before it takes the result.
 */
export type TaskReturn = SubflowTaskResult & { events?: EventPayload[] };

/** Splits a task's return value into its late events and the engine's result. */
export function unpackReturn(value: TaskReturn): { events: EventPayload[]; result: SubflowTaskResult } {
  const { events, ...result } = value;
  return { events: Array.isArray(events) ? events : [], result };
}

export function isEventBatch(data: unknown): data is EventBatch {
  return typeof data === 'object' && data !== null && Array.isArray((data as EventBatch).events);
}
