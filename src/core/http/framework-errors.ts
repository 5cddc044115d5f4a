import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { randomUUID } from 'node:crypto';
import { STATUS_CODES, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { ApiError } from '../errors/api-error';
import { renderError } from '../errors/error-body';
import { ErrorCode } from '../errors/error-codes';
import { replyWithError } from '../errors/reply-error';
import { CoreErrors } from '../errors/core-errors';

/**
 * Errors Fastify's router raises before any route or hook runs. Answered in the one shape,
 * without repeating the offending path (it is attacker-chosen and may be kilobytes long).
 */
export function frameworkErrors(maxParamLength: number) {
  return (error: FastifyError, request: FastifyRequest, reply: FastifyReply): void => {
    let err: unknown = error;
    if (error.code === 'FST_ERR_BAD_URL') {
      err = new ApiError(CoreErrors.bad_url, 'The request path is not valid percent-encoding');
    } else if (error.code === 'FST_ERR_MAX_PARAM_LENGTH') {
      err = new ApiError(
        CoreErrors.uri_too_long,
        `A path parameter is longer than ${maxParamLength} characters`,
      );
    }
    replyWithError(reply, err, String(request.id), { connection: 'close' });
  };
}

/** How Node's HTTP parser and timers name what went wrong, as a declared code and a message. */
function classify(err: NodeJS.ErrnoException): [ErrorCode, string] {
  switch (err.code) {
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return [CoreErrors.request_timeout, 'The request did not arrive in time'];
    case 'HPE_HEADER_OVERFLOW':
      return [CoreErrors.headers_too_large, 'The request line and headers are too large'];
    case 'HPE_INVALID_CONTENT_LENGTH':
    case 'HPE_UNEXPECTED_CONTENT_LENGTH':
      return [CoreErrors.bad_content_length, 'The Content-Length header is not valid'];
    case 'HPE_INVALID_TRANSFER_ENCODING':
    case 'HPE_INVALID_CHUNK_SIZE':
      return [CoreErrors.bad_transfer_encoding, 'The request body framing is not valid'];
    case 'HPE_INVALID_METHOD':
      return [CoreErrors.bad_method, 'The request method is not valid'];
    default:
      return [CoreErrors.bad_request, 'The request is not valid HTTP/1.1'];
  }
}

/** Sockets already refused: Node reports every later chunk of a broken stream again. */
const refused = new WeakSet<Socket>();

function refuseConnection(err: NodeJS.ErrnoException, socket: Socket): void {
  if (socket.writable) {
    const [code, message] = classify(err);
    const correlationId = randomUUID();
    const { status, body: errorBody } = renderError(new ApiError(code, message), correlationId);
    const body = JSON.stringify(errorBody);
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\n` +
        'content-type: application/json; charset=utf-8\r\n' +
        `content-length: ${Buffer.byteLength(body)}\r\n` +
        `x-correlation-id: ${correlationId}\r\n` +
        'connection: close\r\n\r\n' +
        body,
    );
  }
  socket.destroy();
}

/**
 * Node's 'clientError': a request that never became one (malformed, too large headers, too
 * slow). Answered straight on the socket in the one shape with a fresh correlation id, then the
 * connection is closed, as Node itself does — except that when the bad bytes follow a request
 * still being answered on the same connection (pipelined), that answer is sent first.
 */
export function clientErrorHandler(err: NodeJS.ErrnoException, socket: Socket): void {
  if (err.code === 'ECONNRESET' || socket.destroyed || refused.has(socket)) return;
  refused.add(socket);
  const inFlight = (socket as Socket & { _httpMessage?: ServerResponse | null })._httpMessage;
  if (inFlight?.headersSent) {
    socket.destroy(); // mid-answer: nothing can be said cleanly any more
    return;
  }
  if (inFlight && !inFlight.writableFinished && inFlight.req?.complete) {
    inFlight.once('finish', () => refuseConnection(err, socket));
    inFlight.once('close', () => socket.destroy());
    return;
  }
  refuseConnection(err, socket);
}
