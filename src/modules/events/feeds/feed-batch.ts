import type { EventFilter } from '../event-filter';
import type { EventView } from '../event-view';

/**
 * The events of one group commit, serialized once and framed once per distinct filter: with
 * many subscribers on the same filter, each frame is built — and encoded to UTF-8 — a single
 * time, and every socket is handed the same bytes (no copy per subscriber).
 */
export class FeedBatch {
  private json: string[] | undefined;
  private readonly frames = new Map<string, Buffer | null>();

  constructor(readonly events: readonly EventView[]) {}

  /** `{"channel":"events","events":[…]}` with the events `filter` selects; null if none. */
  wsFrame(filter: EventFilter): Buffer | null {
    return this.framed(
      `ws:${filter.key}`,
      filter,
      (parts) => `{"channel":"events","events":[${parts.map((p) => p.json).join(',')}]}`,
    );
  }

  /** SSE messages (`id:` + `data:` each) for the events `filter` selects; null if none. */
  sseChunk(filter: EventFilter): Buffer | null {
    return this.framed(`sse:${filter.key}`, filter, (parts) =>
      parts.map((p) => `id: ${p.id}\ndata: ${p.json}\n\n`).join(''),
    );
  }

  private framed(
    key: string,
    filter: EventFilter,
    build: (parts: { id: number; json: string }[]) => string,
  ): Buffer | null {
    const cached = this.frames.get(key);
    if (cached !== undefined) return cached;
    this.json ??= this.events.map((e) => JSON.stringify(e));
    const parts: { id: number; json: string }[] = [];
    this.events.forEach((e, i) => {
      if (filter.matches(e)) parts.push({ id: e.id, json: this.json![i] });
    });
    const frame = parts.length > 0 ? Buffer.from(build(parts), 'utf8') : null;
    this.frames.set(key, frame);
    return frame;
  }
}
