import type { FastifyReply } from 'fastify';
import type { ServerResponse } from 'node:http';

/**
 * Takes the response over from Fastify (`reply.hijack()`) for code that writes it raw (live
 * feeds, MCP's transport), keeping the headers already set on the reply — the correlation id
 * among them: Fastify writes its own headers only on the responses it sends itself.
 */
export function hijackResponse(reply: FastifyReply): ServerResponse {
  const raw = reply.raw;
  for (const [name, value] of Object.entries(reply.getHeaders())) {
    if (value !== undefined && !raw.hasHeader(name)) raw.setHeader(name, value);
  }
  reply.hijack();
  return raw;
}
