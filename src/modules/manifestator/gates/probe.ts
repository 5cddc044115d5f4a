/** An in-process HTTP request through the whole Fastify pipeline (hooks, guards, filters). */
export interface ProbeRequest {
  method: string;
  url: string;
  headers?: Record<string, string>;
  payload?: string;
}

export interface ProbeResponse {
  statusCode: number;
  headers: Record<string, string | string[] | number | undefined>;
  body: string;
}

export type Inject = (request: ProbeRequest) => Promise<ProbeResponse>;

/** A concrete URL for a route pattern: each `:param` and a final `*` become a probe segment. */
export function probeUrl(path: string): string {
  return path
    .split('/')
    .map((seg) => (seg.startsWith(':') || seg === '*' ? 'vx11-rails-probe' : seg))
    .join('/');
}

/**
 * The error code of an error body: VX11's shape (`{"error":"<code>"}`) or, on the
 * OpenAI-compatible /v1 routes, OpenAI's (`{"error":{"code":"<code>"}}`).
 */
export function errorCode(body: string): string | undefined {
  try {
    const parsed = JSON.parse(body) as { error?: unknown };
    if (typeof parsed.error === 'string') return parsed.error;
    const code = (parsed.error as { code?: unknown } | null | undefined)?.code;
    return typeof code === 'string' ? code : undefined;
  } catch {
    return undefined;
  }
}
