import type { IncomingHttpHeaders } from 'node:http';
import { withRouteConfig } from '../http/route-config';

export const FEED_ROUTE = 'vx11:feed';

/** Decides per request whether it is a live feed (e.g. it asks for text/event-stream). */
export type FeedWhen = (headers: IncomingHttpHeaders) => boolean;

/**
 * Marks a route as a live feed. While `when` holds, the token check also accepts the token as
 * `?token=` (EventSource cannot send headers) and the short-lived feed tokens the events module
 * issues. Those tokens work nowhere else.
 */
export const FeedRoute = (when: FeedWhen = () => true) => withRouteConfig({ [FEED_ROUTE]: when });

/** The `token` query parameter of a raw request URL (`/path?token=…`), if any. */
export function queryToken(url: string | undefined): string | undefined {
  const q = url?.indexOf('?') ?? -1;
  if (q < 0) return undefined;
  const value = new URLSearchParams(url!.slice(q + 1)).get('token');
  return value ? value : undefined;
}
