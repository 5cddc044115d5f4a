import { Controller, Delete, Get, HttpCode, Logger, Post, Req, Res } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBody,
  ApiExtraModels,
  ApiHeader,
  ApiOkResponse,
  ApiOperation,
  ApiResponse,
  ApiTags,
  getSchemaPath,
} from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiError } from '../../core/errors/api-error';
import { hijackResponse } from '../../core/http/hijack-response';
import {
  ApiErrors,
  ApiModuleErrors,
  ErrorBodyDto,
  errorExample,
} from '../../core/http/openapi-errors';
import { OwnedBy } from '../../core/registry/module-active.guard';
import { describeError } from '../../core/util/guarded';
import { McpMessageDto } from './dto/mcp-message.dto';
import { McpSession, McpSessions } from './mcp-sessions.service';
import { McpErrors } from './mcp-errors';
import { mcpTypes } from './mcp-sdk';

const SESSION_HEADER = 'mcp-session-id';
const SESSION_ID = /^[0-9a-f-]{36}$/i;

const SESSION_HEADER_DOC = {
  name: 'Mcp-Session-Id',
  description: 'The session id the initialize response gave',
  required: true,
};

const MESSAGE_CONTENT = {
  'application/json': { schema: { $ref: getSchemaPath(McpMessageDto) } },
  'text/event-stream': {
    schema: {
      type: 'string',
      description: 'Server-sent events, each `data:` one JSON-RPC message',
    },
  },
} as const;

/** Most messages one POST may carry (a JSON-RPC batch of older clients). */
const MAX_BATCH = 50;

/**
 * What the transport would refuse with a JSON-RPC body is refused here first, in the one error
 * shape: an Accept without the media types the protocol needs, an unknown protocol version, a
 * body that is not JSON-RPC.
 */
function checkExchange(request: FastifyRequest, needs: string[]): void {
  const accept = String(request.headers.accept ?? '').toLowerCase();
  const missing = needs.filter((type) => !accept.includes(type) && !accept.includes('*/*'));
  if (missing.length > 0) {
    throw new ApiError(
      McpErrors.not_acceptable,
      `Accept must list ${needs.join(' and ')} (MCP Streamable HTTP)`,
    );
  }
  const version = request.headers['mcp-protocol-version'];
  const { SUPPORTED_PROTOCOL_VERSIONS } = mcpTypes();
  if (typeof version === 'string' && !SUPPORTED_PROTOCOL_VERSIONS.includes(version)) {
    throw new ApiError(
      McpErrors.unsupported_protocol_version,
      `MCP-Protocol-Version ${version.slice(0, 40)} is not supported; supported: ${SUPPORTED_PROTOCOL_VERSIONS.join(', ')}`,
    );
  }
}

function checkMessages(body: unknown): void {
  const messages = Array.isArray(body) ? body : [body];
  const { JSONRPCMessageSchema } = mcpTypes();
  const bad =
    messages.length === 0 ||
    messages.length > MAX_BATCH ||
    messages.some((m) => !JSONRPCMessageSchema.safeParse(m).success);
  if (bad) {
    throw new ApiError(
      McpErrors.invalid_jsonrpc,
      `The body must be a JSON-RPC 2.0 message (or a batch of 1 to ${MAX_BATCH})`,
    );
  }
}

const NOT_ACCEPTABLE = 'Accept lacks a media type the protocol needs (not_acceptable)';
const ApiNotAcceptable = () =>
  ApiResponse({
    status: 406,
    description: NOT_ACCEPTABLE,
    type: ErrorBodyDto,
    example: errorExample(406, NOT_ACCEPTABLE),
  });

function isInitialize(body: unknown): boolean {
  const { isInitializeRequest } = mcpTypes();
  return Array.isArray(body) ? body.some((m) => isInitializeRequest(m)) : isInitializeRequest(body);
}

/**
 * The Model Context Protocol over Streamable HTTP (MCP 2025-06-18): POST carries JSON-RPC
 * messages, GET opens the session's server-to-client stream, DELETE ends the session. The
 * token check, the dormant guard and the body parsing are the app's own; the SDK's transport
 * then takes the response over.
 */
@ApiTags('mcp')
@ApiModuleErrors('mcp')
@ApiExtraModels(McpMessageDto)
@OwnedBy('mcp')
@Controller('mcp')
export class McpController {
  private readonly logger = new Logger('McpHttp');

  constructor(private readonly sessions: McpSessions) {}

  @Post()
  @HttpCode(200)
  @ApiOperation({
    operationId: 'mcpPost',
    summary: 'MCP: send JSON-RPC messages (initialize without a session; then with Mcp-Session-Id)',
    description:
      'Accept must list application/json and text/event-stream. initialize opens a session (its id in the Mcp-Session-Id response header); tools/list, tools/call, resources/list, resources/read, resources/subscribe follow with that header. Answers JSON or an SSE stream of JSON-RPC messages.',
  })
  @ApiHeader({ ...SESSION_HEADER_DOC, required: false })
  @ApiBody({ type: McpMessageDto })
  @ApiOkResponse({ description: 'The JSON-RPC response(s)', content: MESSAGE_CONTENT })
  @ApiAcceptedResponse({ description: 'Notifications or responses accepted (no body)' })
  @ApiNotAcceptable()
  @ApiErrors(
    [
      400,
      'No Mcp-Session-Id and not an initialize request (mcp_session_required), or not JSON-RPC',
    ],
    [404, 'The session ended or never existed (mcp_session_not_found): initialize again'],
    [429, 'mcp.maxSessions sessions are open (mcp_sessions_full, retry_after)'],
  )
  async post(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const body = request.body;
    checkExchange(request, ['application/json', 'text/event-stream']);
    checkMessages(body);
    if (request.headers[SESSION_HEADER] === undefined) {
      if (!isInitialize(body)) {
        throw new ApiError(
          McpErrors.mcp_session_required,
          'No Mcp-Session-Id header: send an initialize request first to open a session',
        );
      }
      const session = await this.sessions.create(request.ip);
      await this.serve(session, request, reply, body);
      this.sessions.settleInitialize(session);
      return;
    }
    await this.serve(this.session(request), request, reply, body);
  }

  @Get()
  @ApiOperation({
    operationId: 'mcpStream',
    summary: 'MCP: the session’s server-to-client SSE stream (notifications)',
    description:
      'Accept: text/event-stream. Carries notifications such as notifications/resources/updated; keep-alive comments keep it open. Ends when the session ends (DELETE, idle, or mcp going dormant).',
  })
  @ApiHeader(SESSION_HEADER_DOC)
  @ApiOkResponse({
    description: 'The stream',
    content: { 'text/event-stream': MESSAGE_CONTENT['text/event-stream'] },
  })
  @ApiNotAcceptable()
  @ApiErrors(
    [400, 'No Mcp-Session-Id header (mcp_session_required)'],
    [404, 'The session ended or never existed (mcp_session_not_found)'],
  )
  async stream(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const session = this.session(request);
    checkExchange(request, ['text/event-stream']);
    await this.serve(session, request, reply, undefined);
  }

  @Delete()
  @ApiOperation({ operationId: 'mcpEnd', summary: 'MCP: end the session' })
  @ApiHeader(SESSION_HEADER_DOC)
  @ApiOkResponse({
    description: 'The session ended (an empty body)',
    content: { 'text/plain': { schema: { type: 'string', maxLength: 0 } } },
  })
  @ApiErrors(
    [400, 'No Mcp-Session-Id header (mcp_session_required)'],
    [404, 'The session ended or never existed (mcp_session_not_found)'],
  )
  async end(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const session = this.session(request);
    checkExchange(request, []);
    await this.serve(session, request, reply, undefined);
  }

  private session(request: FastifyRequest): McpSession {
    const raw = request.headers[SESSION_HEADER];
    const id = Array.isArray(raw) ? raw[0] : raw;
    if (!id) {
      throw new ApiError(
        McpErrors.mcp_session_required,
        'No Mcp-Session-Id header: send an initialize request first to open a session',
      );
    }
    const session = SESSION_ID.test(id) ? this.sessions.get(id) : undefined;
    if (!session) {
      throw new ApiError(
        McpErrors.mcp_session_not_found,
        'No such MCP session (it ended: closed, idle, or the mcp module went dormant); initialize a new one',
      );
    }
    return session;
  }

  /** Hands the exchange to the session's transport, which writes the response itself. */
  private async serve(
    session: McpSession,
    request: FastifyRequest,
    reply: FastifyReply,
    body: unknown,
  ): Promise<void> {
    this.sessions.track(session, reply.raw);
    hijackResponse(reply);
    try {
      await session.transport.handleRequest(request.raw, reply.raw, body);
    } catch (err) {
      this.logger.warn(`MCP ${request.method} failed: ${describeError(err)}`);
      if (!reply.raw.headersSent) {
        reply.raw.writeHead(400, { 'content-type': 'application/json' });
        reply.raw.end(
          JSON.stringify({
            jsonrpc: '2.0',
            error: { code: -32600, message: 'The request could not be handled' },
            id: null,
          }),
        );
      } else {
        reply.raw.destroy();
      }
    }
  }
}
