import { createParser } from 'eventsource-parser';
import { authHeaders } from '../api.js';
import type { PypeEvent } from './events.js';

export interface FollowHandlers {
  onEvent(e: PypeEvent): void;
  /** The run's `end` message: its final status. */
  onEnd(status: string): void;
  onError(message: string): void;
}

/**
 * Reads GET /runs/:id/events (Server-Sent Events: past events first, then live ones, then `end`).
 * Read with fetch rather than EventSource, which cannot send the bearer token. A stream that closes
 * without `end` (the server restarted) is reopened after the last event seen. Returns a stop.
 */
export function followRun(id: string, handlers: FollowHandlers): () => void {
  const stop = new AbortController();
  let lastId = -1;
  let ended = false;
  const open = async (attempt: number): Promise<void> => {
    try {
      const headers: Record<string, string> = { ...authHeaders(), accept: 'text/event-stream' };
      if (lastId >= 0) headers['last-event-id'] = String(lastId);
      const res = await fetch(`/runs/${encodeURIComponent(id)}/events`, { headers, signal: stop.signal });
      if (!res.ok || !res.body) {
        const body = await res.json().catch(() => ({}));
        return handlers.onError(body.error ?? `HTTP ${res.status}`);
      }
      const parser = createParser({
        onEvent(msg) {
          if (msg.event === 'end') {
            ended = true;
            handlers.onEnd(JSON.parse(msg.data).status);
            return;
          }
          if (msg.id !== undefined) lastId = Number(msg.id);
          handlers.onEvent(JSON.parse(msg.data) as PypeEvent);
        },
      });
      const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        parser.feed(value);
      }
      if (!ended && !stop.signal.aborted && attempt < 30) {
        await new Promise((r) => setTimeout(r, 1000));
        return open(attempt + 1);
      }
    } catch (err) {
      if (stop.signal.aborted) return;
      if (attempt < 30) {
        await new Promise((r) => setTimeout(r, 1000));
        return open(attempt + 1);
      }
      handlers.onError(String(err));
    }
  };
  void open(0);
  return () => stop.abort();
}
