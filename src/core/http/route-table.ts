/** One HTTP route as Fastify registered it. */
export interface RouteInfo {
  method: string;
  url: string;
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/** Fastify's route syntax as VX11 uses it: `:param` (one non-empty segment), a final `*`. */
function matches(pattern: string, path: string): boolean {
  const want = pattern.split('/');
  const have = path.split('/').map(decodeSegment);
  for (let i = 0; i < want.length; i++) {
    if (want[i] === '*' && i === want.length - 1) return true;
    if (i >= have.length) return false;
    if (want[i].startsWith(':')) {
      if (have[i] === '') return false;
    } else if (want[i] !== have[i]) {
      return false;
    }
  }
  return want.length === have.length;
}

/**
 * Every route the HTTP server knows, recorded from Fastify's onRoute hook. Used by tests that
 * must cover every route (auth), by the 405 answer (Allow) and by modules that compare the live
 * surface to the contract.
 */
export class RouteTable {
  private readonly routes: RouteInfo[] = [];

  add(method: string | string[], url: string): void {
    for (const m of Array.isArray(method) ? method : [method]) {
      if (m === 'HEAD' || m === 'OPTIONS') continue;
      if (!this.routes.some((r) => r.method === m && r.url === url))
        this.routes.push({ method: m, url });
    }
  }

  list(): RouteInfo[] {
    return [...this.routes];
  }

  /** The methods some route serves at this concrete path (no query), HEAD with GET; sorted. */
  methodsAt(path: string): string[] {
    const methods = new Set<string>();
    for (const route of this.routes) {
      if (!matches(route.url, path)) continue;
      methods.add(route.method);
      if (route.method === 'GET') methods.add('HEAD');
    }
    return [...methods].sort();
  }
}
