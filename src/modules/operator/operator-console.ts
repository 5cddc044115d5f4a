import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../core/config/project-root';

/** Where the console is served; `GET /operator` and `GET /operator/ui` redirect here. */
export const CONSOLE_PATH = '/operator/ui/';

/**
 * The console's files: plain HTML, CSS and ES modules, no build step. Served from the source
 * folder (found from the project root, so it works from dist/ too; the Dockerfile copies it).
 */
export const CONSOLE_ROOT = join(PROJECT_ROOT, 'src', 'modules', 'operator', 'console');

/**
 * The console makes no outside request: everything it loads, fetches or connects to is this
 * origin (`connect-src 'self'` also covers ws: to the same host).
 */
const CONSOLE_HEADERS: Record<string, string> = {
  'content-security-policy': [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "connect-src 'self'",
    "manifest-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; '),
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
};

/**
 * @fastify/static 10 hands setHeaders the Fastify reply (`header`); Nest's typing of the option
 * still says `setHeader` (a raw response): take either.
 */
interface HeaderTarget {
  header?: (name: string, value: string) => unknown;
  setHeader?: (name: string, value: string) => unknown;
}

function setConsoleHeaders(res: HeaderTarget): void {
  for (const [name, value] of Object.entries(CONSOLE_HEADERS)) {
    if (typeof res.header === 'function') res.header(name, value);
    else res.setHeader?.(name, value);
  }
}

/**
 * Serves the operator console with @fastify/static. These routes are registered outside Nest,
 * so the token guard never sees them: they are public, as CONTRACT §2 makes the UI's static
 * files. The console holds no data of its own; every API call it makes sends the token.
 *
 * Routes: `GET /operator/ui/*` (the files), `GET /operator/ui` (301 to the slash form, so
 * relative module imports resolve), `GET /operator` (302 to the console).
 */
export function serveConsole(app: NestFastifyApplication): void {
  app.useStaticAssets({
    root: CONSOLE_ROOT,
    prefix: CONSOLE_PATH.slice(0, -1),
    redirect: true,
    decorateReply: false, // swagger's static root already decorates nothing either
    index: ['index.html'],
    setHeaders: setConsoleHeaders,
  });
  app
    .getHttpAdapter()
    .getInstance()
    .get('/operator', (_request, reply) => reply.redirect(CONSOLE_PATH, 302));
}
