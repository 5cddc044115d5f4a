import type { FastifyReply } from 'fastify';
import { CORRELATION_HEADER } from '../correlation/correlation';
import { ApiError } from './api-error';
import { RenderedError, renderError } from './error-body';
import { isOpenAiPath, openAiErrorBody, openAiStatus } from './openai-error-body';

/**
 * Sends `err` in the one error shape (OpenAI's on /v1 paths) on a Fastify reply, with its own headers (Retry-After,
 * Allow) and the correlation id. Used wherever Nest's filter is not in the path: Fastify hooks
 * and framework errors.
 */
export function replyWithError(
  reply: FastifyReply,
  err: unknown,
  correlationId: string,
  headers: Record<string, string> = {},
): RenderedError {
  const rendered = renderError(err, correlationId);
  const own = err instanceof ApiError && err.headers ? err.headers : {};
  const openAi = isOpenAiPath(reply.request?.url);
  void reply
    .code(openAi ? openAiStatus(rendered) : rendered.status)
    .headers({ ...own, ...headers })
    .header(CORRELATION_HEADER, correlationId)
    .header('content-type', 'application/json; charset=utf-8')
    // the OpenAI-compatible API (/v1) answers in OpenAI's error shape, everything else in ours
    .send(JSON.stringify(openAi ? openAiErrorBody(rendered) : rendered.body));
  return rendered;
}
