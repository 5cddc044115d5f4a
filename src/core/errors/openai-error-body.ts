import type { RenderedError } from './error-body';

/** Paths of the OpenAI-compatible API, whose errors take OpenAI's shape so SDKs recognise them. */
export function isOpenAiPath(url: string | undefined): boolean {
  return url !== undefined && (url === '/v1' || url.startsWith('/v1/') || url.startsWith('/v1?'));
}

const TYPE_BY_STATUS: Record<number, string> = {
  401: 'authentication_error',
  403: 'permission_error',
  404: 'invalid_request_error',
  429: 'rate_limit_error',
};

/**
 * The status OpenAI clients expect: a wrong key is 401 there (AuthenticationError), where VX11
 * answers 403 `forbidden`.
 */
export function openAiStatus(rendered: RenderedError): number {
  return rendered.status === 403 && rendered.body.error === 'forbidden' ? 401 : rendered.status;
}

/**
 * The one error, in OpenAI's shape: `{"error":{"message","type","code","param"}}` (the code is
 * VX11's own; the correlation id stays in its header).
 */
export function openAiErrorBody(rendered: RenderedError): {
  error: { message: string; type: string; code: string; param: string | null };
} {
  const { body } = rendered;
  const status = openAiStatus(rendered);
  const details = Array.isArray(body.details) ? (body.details as Array<{ field?: unknown }>) : [];
  const field = details.find((d) => typeof d?.field === 'string')?.field as string | undefined;
  return {
    error: {
      message: body.message,
      type: TYPE_BY_STATUS[status] ?? (status >= 500 ? 'server_error' : 'invalid_request_error'),
      code: status !== rendered.status ? 'invalid_api_key' : body.error,
      param: field ?? null,
    },
  };
}
