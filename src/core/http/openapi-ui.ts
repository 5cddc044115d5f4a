import type { OpenAPIObject, SwaggerCustomOptions } from '@nestjs/swagger';

/** Where the Swagger UI page is served; the document itself is at `/${DOCS_PATH}-json`. */
export const DOCS_PATH = 'docs';
export const SPEC_URL = `/${DOCS_PATH}-json`;
const DOCUMENT_ROUTES = [SPEC_URL, `/${DOCS_PATH}-yaml`];

/**
 * The Swagger UI page shell: its HTML, its init script (which carries only the stub below) and
 * the swagger-ui-dist files. Public, like the console's files (CONTRACT §2): a browser cannot
 * send a header when it opens a page. The document (`/docs-json`, `/docs-yaml`) stays guarded.
 */
export const DOCS_PAGE_ROUTES = [
  `/${DOCS_PATH}`,
  `/${DOCS_PATH}/`,
  `/${DOCS_PATH}/index.html`,
  `/${DOCS_PATH}/LICENSE`,
  `/${DOCS_PATH}/swagger-ui-init.js`,
  `/${DOCS_PATH}/${DOCS_PATH}/swagger-ui-init.js`,
  `/${DOCS_PATH}/*`,
];

/**
 * What the public page embeds instead of the document: the API's name and the ways to send
 * the token, so that Swagger UI shows "Authorize"; no operation, no schema.
 */
function pageStub(document: OpenAPIObject): OpenAPIObject {
  return {
    openapi: document.openapi,
    info: {
      title: document.info.title,
      version: document.info.version,
      description:
        'Click **Authorize** and enter the operator token to load the API (a token the operator console stored in this browser is used by itself).',
    },
    paths: {},
    components: { securitySchemes: document.components?.securitySchemes },
    security: document.security,
  };
}

/**
 * Runs in the browser before Swagger UI starts: it wraps SwaggerUIBundle so that authorizing
 * (or a token the console left in localStorage) fetches the guarded document with the token
 * and loads it, and keeps the token for the console and the next visit. The console's key is
 * reused: one sign-in for both pages.
 */
const PAGE_SCRIPT = `
(() => {
  const TOKEN_KEY = 'vx11.operator.token';
  const SPEC_URL = ${JSON.stringify(SPEC_URL)};
  const read = () => { try { return localStorage.getItem(TOKEN_KEY) || ''; } catch { return ''; } };
  const keep = (value) => {
    try { value ? localStorage.setItem(TOKEN_KEY, value) : localStorage.removeItem(TOKEN_KEY); } catch {}
  };
  let token = read();

  async function loadSpec(system) {
    const res = await fetch(SPEC_URL, { headers: { 'X-VX11-Token': token, accept: 'application/json' } });
    if (!res.ok) {
      let why = res.status + ' ' + res.statusText;
      try { const body = await res.json(); why = body.message + ' (' + body.error + ')'; } catch {}
      system.errActions.newThrownErr(new Error('The API could not be loaded: ' + why + '. Authorize again.'));
      return;
    }
    system.errActions.clear();
    system.specActions.updateSpec(await res.text());
  }

  const tokenPlugin = () => ({
    statePlugins: {
      auth: {
        wrapActions: {
          authorize: (next, system) => (payload) => {
            const given = payload && (payload.token || payload.bearer);
            const result = next(payload);
            if (given && given.value) {
              token = String(given.value).trim();
              keep(token);
              loadSpec(system);
            }
            return result;
          },
          logout: (next) => (names) => { token = ''; keep(''); return next(names); },
        },
      },
    },
  });

  // Once, as if the operator had authorized with the stored token (onComplete fires again
  // after each loaded document; preauthorizeApiKey would bind the actions as they were
  // before this page's plugin was registered).
  let storedTried = false;
  const authorizeStored = () => {
    if (storedTried) return;
    storedTried = true;
    const schema = window.ui.specSelectors.specJson().getIn(['components', 'securitySchemes', 'token']);
    if (token && schema) window.ui.authActions.authorize({ token: { name: 'token', schema, value: token } });
  };

  const bundle = window.SwaggerUIBundle;
  window.SwaggerUIBundle = Object.assign((options) => bundle({
    ...options,
    plugins: [...(options.plugins || []), tokenPlugin],
    requestInterceptor: (req) => {
      const same = new URL(req.url, location.href).origin === location.origin;
      if (same && token && !req.headers['X-VX11-Token'] && !req.headers.Authorization) {
        req.headers['X-VX11-Token'] = token;
      }
      return req;
    },
    onComplete: authorizeStored,
  }), bundle);
})();
`;

/** The route pattern a Fastify request matched ('' if none). */
function routeOf(request: unknown): string {
  return (request as { routeOptions?: { url?: string } }).routeOptions?.url ?? '';
}

/** SwaggerModule.setup options: the page shell is public, the document only with the token. */
export function swaggerUiOptions(): SwaggerCustomOptions {
  return {
    customSiteTitle: 'VX11 API',
    customJsStr: PAGE_SCRIPT,
    swaggerOptions: {
      persistAuthorization: false, // the page script keeps the token, in the console's key
      displayOperationId: true,
      docExpansion: 'none',
      filter: true,
      tagsSorter: 'alpha',
    },
    // Only the guarded document routes serve the document; the public init script (and
    // anything else that asks) gets the stub. By matched route, so no URL spelling leaks it.
    patchDocumentOnRequest: (request, _reply, document) =>
      DOCUMENT_ROUTES.includes(routeOf(request)) ? document : pageStub(document),
  };
}
