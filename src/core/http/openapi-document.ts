import { DocumentBuilder, OpenAPIObject } from '@nestjs/swagger';
import { AppConfig } from '../config/app-config';
import { VERSION } from '../config/version';
import { MODULE_CATALOG } from '../registry/module-catalog';
import { RouteAccessLog } from './openapi-access';
import { isOpenAiPath, openAiErrorBody } from '../errors/openai-error-body';
import { ERROR_DESCRIPTIONS, errorExample, ErrorStatus } from './openapi-errors';

/** The security schemes of the document, by the names operations refer to them with. */
export const SECURITY = {
  header: 'token',
  bearer: 'bearer',
  feedQuery: 'feed_token',
} as const;

const API_DESCRIPTION = `Control plane for a self-hosted AI-assistant stack: one process, one port.

**Auth.** Every route needs the operator token, sent as \`X-VX11-Token\` or
\`Authorization: Bearer <token>\`, except the public ones (their operations list no security
requirement): \`GET /health\`, \`GET /vx11/status\`, \`GET /operator/api/health\`, \`GET /metrics\`
(unless \`VX11_METRICS_PUBLIC=false\`), the console and this page. No token is 401
\`auth_required\`, a wrong one 403 \`forbidden\`; too many wrong ones from one address are 429
\`too_many_auth_failures\` for a while. In this page, **Authorize** with the token to load the API.

**Errors** have one shape, \`ErrorBody\`: \`{error, message, status_code, correlation_id}\`, plus
\`details\` naming the fields of a 400. Any route may answer 503 \`shutting_down\` (with
Retry-After) while the server stops. Times are ISO-8601 UTC strings ending in \`Z\`.`;

/** The document's frame: info, servers, the two ways to send the token, tags per module. */
export function documentFrame(): Omit<OpenAPIObject, 'paths'> {
  const builder = new DocumentBuilder()
    .setTitle('VX11')
    .setDescription(API_DESCRIPTION)
    .setVersion(VERSION)
    .addServer('/', 'This VX11 instance (the origin serving this document)')
    .addApiKey(
      {
        type: 'apiKey',
        in: 'header',
        name: 'X-VX11-Token',
        description: 'The operator token (VX11_TOKEN or data/token)',
      },
      SECURITY.header,
    )
    .addBearerAuth(
      {
        type: 'http',
        scheme: 'bearer',
        bearerFormat: 'the operator token', // not a JWT: the same opaque token
        description: 'The operator token as a Bearer token',
      },
      SECURITY.bearer,
    )
    .addApiKey(
      {
        type: 'apiKey',
        in: 'query',
        name: 'token',
        description:
          'Live feeds only (SSE, WebSocket), which browsers cannot give headers: a token from POST /operator/api/events/sse-token, or the operator token',
      },
      SECURITY.feedQuery,
    )
    // Either scheme: the operations inherit these two alternatives.
    .addSecurityRequirements(SECURITY.header)
    .addSecurityRequirements(SECURITY.bearer);
  for (const module of MODULE_CATALOG) {
    builder.addTag(module.name, `${module.label}: ${module.role}`);
  }
  builder.addTag('events', 'Event ingest, the forensic ledger and its verification, live feeds');
  const frame = builder.build();
  frame.info.license = { name: 'UNLICENSED' }; // as package.json says: a private project
  return frame;
}

type Operation = {
  security?: Array<Record<string, string[]>>;
  responses: Record<string, { description: string; content?: unknown }>;
  requestBody?: { content?: Record<string, unknown> };
  tags?: string[];
};

const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'patch', 'options', 'head', 'trace'];

/**
 * The OpenAI-compatible API (/v1) answers errors in OpenAI's shape; its controller documents
 * that shape as OpenAiErrorDto, which its common errors refer to as well.
 */
const OPENAI_ERROR_SCHEMA = { $ref: '#/components/schemas/OpenAiErrorDto' };

function errorResponse(status: number, description: string, openAi = false) {
  const example = errorExample(status, description);
  if (openAi) {
    const rendered = openAiErrorBody({ status, body: { ...example } });
    return {
      description,
      content: { 'application/json': { schema: OPENAI_ERROR_SCHEMA, example: rendered } },
    };
  }
  const schema = { $ref: '#/components/schemas/ErrorBody' };
  return { description, content: { 'application/json': { schema, example } } };
}

/**
 * Adds an error response unless the route already documents that status; with `alsoWhen`, a
 * documented one gets this cause added to its description instead.
 */
function addError(
  op: Operation,
  status: ErrorStatus,
  description: string,
  alsoWhen = false,
  openAi = false,
) {
  const existing = op.responses[status];
  if (!existing) op.responses[status] = errorResponse(status, description, openAi);
  else if (alsoWhen) existing.description += `; or: ${description}`;
}

/**
 * What every route has in common, added from the route's own access rules rather than repeated
 * on each: public routes carry no security requirement; guarded ones answer 401/403/429 from
 * the token check; live feeds also take `?token=`; a JSON body can be malformed (400), too
 * large (413, bodyLimitBytes) or of another media type (415). Tags without a module of their
 * own are dropped from the tag list.
 */
export function finishDocument(
  document: OpenAPIObject,
  access: RouteAccessLog,
  config: AppConfig,
): OpenAPIObject {
  const usedTags = new Set<string>();
  for (const [path, item] of Object.entries(document.paths)) {
    for (const method of HTTP_METHODS) {
      const op = (item as Record<string, Operation | undefined>)[method];
      if (!op) continue;
      op.tags?.forEach((tag) => usedTags.add(tag));
      const rule = access.of(method, path);
      const openAi = isOpenAiPath(path);
      if (rule?.public?.(config)) {
        op.security = [];
      } else {
        if (rule?.feed) {
          op.security = [SECURITY.header, SECURITY.bearer, SECURITY.feedQuery].map((s) => ({
            [s]: [],
          }));
        }
        addError(op, 401, ERROR_DESCRIPTIONS[401], false, openAi);
        // a wrong token is a 401 there, as OpenAI clients expect
        if (!openAi) addError(op, 403, ERROR_DESCRIPTIONS[403]);
        addError(
          op,
          429,
          'Too many wrong tokens from this address (too_many_auth_failures)',
          true,
          openAi,
        );
      }
      if (op.requestBody?.content?.['application/json']) {
        addError(op, 400, ERROR_DESCRIPTIONS[400], false, openAi);
        addError(op, 413, 'The body is over bodyLimitBytes (payload_too_large)', false, openAi);
        addError(op, 415, ERROR_DESCRIPTIONS[415], false, openAi);
      }
    }
  }
  document.tags = document.tags?.filter((tag) => usedTags.has(tag.name));
  // Some errors carry fields of their own (module, hint, retry_after, allowlist, ...).
  const errorBody = document.components?.schemas?.ErrorBody;
  if (errorBody && !('$ref' in errorBody)) errorBody.additionalProperties = true;
  return document;
}
