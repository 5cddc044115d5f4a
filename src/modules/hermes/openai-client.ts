import { isReservedEnvName } from '../../core/config/reserved-env';
import { ChatTurn, Completion, Provider, ProviderError } from './provider';

interface ChatCompletionResponse {
  model?: string;
  choices?: Array<{ message?: { content?: unknown } }>;
  usage?: { total_tokens?: number; prompt_tokens?: number; completion_tokens?: number };
}

/** The provider's API key, unless its variable was refused or is one of VX11's own. */
function apiKeyOf(provider: Provider): string | undefined {
  const name = provider.api_key_env;
  if (!name || provider.api_key_refused || isReservedEnvName(name)) return undefined;
  return process.env[name];
}

function headersFor(provider: Provider): Record<string, string> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  const key = apiKeyOf(provider);
  if (key) headers.authorization = `Bearer ${key}`;
  return headers;
}

function tokensOf(usage: ChatCompletionResponse['usage']): number {
  if (!usage) return 0;
  if (typeof usage.total_tokens === 'number') return usage.total_tokens;
  return (usage.prompt_tokens ?? 0) + (usage.completion_tokens ?? 0);
}

/** Sends `init` and aborts it after `timeoutMs`, turning every failure into a ProviderError. */
async function call(
  provider: Provider,
  path: string,
  init: RequestInit,
  timeoutMs: number,
): Promise<unknown> {
  const url = `${provider.base_url.replace(/\/+$/, '')}${path}`;
  let response: Response;
  try {
    response = await fetch(url, {
      ...init,
      headers: headersFor(provider),
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (err) {
    const timedOut = (err as Error).name === 'TimeoutError';
    throw new ProviderError(
      provider.name,
      timedOut ? `timed out after ${timeoutMs} ms` : (err as Error).message,
    );
  }
  if (!response.ok) {
    await response.body?.cancel();
    throw new ProviderError(provider.name, `HTTP ${response.status}`, response.status);
  }
  try {
    return await response.json();
  } catch {
    throw new ProviderError(provider.name, 'response is not JSON');
  }
}

/** `POST {base_url}/chat/completions` with abort on timeout; usage read from the response. */
export async function chatCompletion(
  provider: Provider,
  messages: ChatTurn[],
  timeoutMs: number,
): Promise<Completion> {
  const started = performance.now();
  const body = (await call(
    provider,
    '/chat/completions',
    { method: 'POST', body: JSON.stringify({ model: provider.model, messages }) },
    timeoutMs,
  )) as ChatCompletionResponse;
  const content = body.choices?.[0]?.message?.content;
  if (typeof content !== 'string')
    throw new ProviderError(provider.name, 'response has no choices[0].message.content');
  return {
    provider: provider.name,
    model: typeof body.model === 'string' ? body.model : provider.model,
    content,
    tokens_used: tokensOf(body.usage),
    latency_ms: Math.round((performance.now() - started) * 100) / 100,
  };
}

/** `GET {base_url}/models`: the model ids the engine serves. */
export async function listModels(provider: Provider, timeoutMs: number): Promise<string[]> {
  const body = (await call(provider, '/models', { method: 'GET' }, timeoutMs)) as {
    data?: Array<{ id?: unknown }>;
  };
  if (!Array.isArray(body.data)) throw new ProviderError(provider.name, 'response has no data[]');
  return body.data.map((m) => m.id).filter((id): id is string => typeof id === 'string');
}
