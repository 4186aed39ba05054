import type { EventPayload, PypeEvent } from '@pypeline/core';

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
    private readonly delayMs = 25,
  ) {}

  /** Takes an engine event (with runId and time) or a bare payload. */
  push = (event: PypeEvent | EventPayload): void => {
    const { runId: _r, time: _t, ...payload } = event as PypeEvent;
    this.buffer.push(payload as EventPayload);
    this.timer ??= setTimeout(() => void this.flush(), this.delayMs);
  };

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

export function isEventBatch(data: unknown): data is EventBatch {
  return typeof data === 'object' && data !== null && Array.isArray((data as EventBatch).events);
}
