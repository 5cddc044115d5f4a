import type { EventFilter } from '../event-filter';
import type { EventView } from '../event-view';

/**
 * The events of one group commit, serialized once and framed once per distinct filter: with
 * many subscribers on the same filter, each frame is built a single time.
 */
export class FeedBatch {
  private json: string[] | undefined;
  private readonly frames = new Map<string, string | null>();

  constructor(readonly events: readonly EventView[]) {}

  /** `{"channel":"events","events":[…]}` with the events `filter` selects; null if none. */
  wsFrame(filter: EventFilter): string | null {
    return this.framed(
      `ws:${filter.key}`,
      filter,
      (parts) => `{"channel":"events","events":[${parts.map((p) => p.json).join(',')}]}`,
    );
  }

  /** SSE messages (`id:` + `data:` each) for the events `filter` selects; null if none. */
  sseChunk(filter: EventFilter): string | null {
    return this.framed(`sse:${filter.key}`, filter, (parts) =>
      parts.map((p) => `id: ${p.id}\ndata: ${p.json}\n\n`).join(''),
    );
  }

  private framed(
    key: string,
    filter: EventFilter,
    build: (parts: { id: number; json: string }[]) => string,
  ): string | null {
    const cached = this.frames.get(key);
    if (cached !== undefined) return cached;
    this.json ??= this.events.map((e) => JSON.stringify(e));
    const parts: { id: number; json: string }[] = [];
    this.events.forEach((e, i) => {
      if (filter.matches(e)) parts.push({ id: e.id, json: this.json![i] });
    });
    const frame = parts.length > 0 ? build(parts) : null;
    this.frames.set(key, frame);
    return frame;
  }
}
