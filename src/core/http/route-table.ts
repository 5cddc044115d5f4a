/** One HTTP route as Fastify registered it. */
export interface RouteInfo {
  method: string;
  url: string;
}

/**
 * Every route the HTTP server knows, recorded from Fastify's onRoute hook. Used by tests that
 * must cover every route (auth) and by modules that compare the live surface to the contract.
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
}
