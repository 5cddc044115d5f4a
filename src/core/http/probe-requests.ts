import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

const PROBE_HEADER = 'x-vx11-probe';
/** Known only to this process: no client can mark its requests as probes. */
const PROBE_SECRET = randomBytes(24).toString('hex');

/**
 * Headers for requests VX11 sends itself in-process (Fastify's inject — e.g. manifestator's live
 * rails): their request lines are written at debug, like health scrapes, since they are not
 * traffic.
 */
export function probeHeaders(): Record<string, string> {
  return { [PROBE_HEADER]: PROBE_SECRET };
}

/** Whether a request carries this process's probe mark. */
export function isProbeRequest(headers: IncomingHttpHeaders): boolean {
  const mark = headers[PROBE_HEADER];
  return (
    typeof mark === 'string' &&
    mark.length === PROBE_SECRET.length &&
    timingSafeEqual(Buffer.from(mark), Buffer.from(PROBE_SECRET))
  );
}
