import {
  Agent as HttpAgent,
  ClientRequest,
  IncomingMessage,
  request as httpRequest,
  RequestOptions,
} from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { urlToHttpOptions } from 'node:url';
import { isReservedEnvName } from '../../core/config/reserved-env';
import { ChatParams, ChatTurn, Completion, Provider, ProviderError, TokenUsage } from './provider';

interface ChatCompletionResponse {
  model?: string;
  choices?: Array<{ message?: { content?: unknown }; finish_reason?: unknown }>;
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

/** Largest JSON answer read from a provider; a streamed answer is bounded by MAX_ANSWER_CHARS. */
const MAX_RESPONSE_BYTES = 16 * 1024 * 1024;

/**
 * Keep-alive connections per provider origin, shared by every call: no connect per chat.
 * node:http directly skips the WHATWG fetch layers (Request, web streams, AbortSignal.any),
 * which measured ≈ 5 % of the CPU of a chat under load, and needs no client library in memory.
 */
const httpAgent = new HttpAgent({ keepAlive: true });
const httpsAgent = new HttpsAgent({ keepAlive: true });

/** Where a provider's requests go, parsed once per base URL rather than once per call. */
interface Target {
  secure: boolean;
  options: RequestOptions;
  basePath: string;
}

/** Base URLs come from the configuration: a handful; the bound only guards against churn. */
const MAX_TARGETS = 256;
const targets = new Map<string, Target>();

function targetOf(baseUrl: string): Target {
  let target = targets.get(baseUrl);
  if (!target) {
    const url = new URL(baseUrl.replace(/\/+$/, ''));
    const secure = url.protocol === 'https:';
    const { protocol, hostname, port, auth } = urlToHttpOptions(url);
    target = {
      secure,
      options: { protocol, hostname, port, auth, agent: secure ? httpsAgent : httpAgent },
      basePath: url.pathname === '/' ? '' : url.pathname,
    };
    if (targets.size >= MAX_TARGETS) targets.clear();
    targets.set(baseUrl, target);
  }
  return target;
}

/**
 * The bounds of one call: a timeout, and the caller's own signal (client gone, job cancelled).
 * Either destroys the request, and says which it was. No AbortController handed to node:http:
 * with the URL parsed once and listeners for the body, ~10 % less CPU per call (item 35).
 */
class CallDeadline {
  private timer: NodeJS.Timeout;
  private request: ClientRequest | undefined;
  timedOut = false;
  /** Set once the timeout or the caller ended the call. */
  stopped = false;

  constructor(
    private readonly timeoutMs: number,
    private readonly caller?: AbortSignal,
  ) {
    this.timer = this.arm();
    if (caller?.aborted) this.stop();
    else caller?.addEventListener('abort', this.onCallerAbort, { once: true });
  }

  /** The request this deadline ends; ended at once if the deadline already passed. */
  guard(request: ClientRequest): void {
    this.request = request;
    if (this.stopped) request.destroy(new Error('aborted'));
  }

  /** Starts the timeout again (a stream that just sent a piece). */
  rearm(): void {
    clearTimeout(this.timer);
    this.timer = this.arm();
  }

  /** Why the call stopped, as the ProviderError to throw. */
  failure(provider: Provider, err: unknown): ProviderError {
    if (err instanceof ProviderError) return err;
    if (this.caller?.aborted) return new ProviderError(provider.name, 'cancelled by the caller');
    if (this.timedOut)
      return new ProviderError(provider.name, `timed out after ${this.timeoutMs} ms`);
    return new ProviderError(provider.name, (err as Error).message);
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.caller?.removeEventListener('abort', this.onCallerAbort);
  }

  private arm(): NodeJS.Timeout {
    return setTimeout(() => {
      this.timedOut = true;
      this.stop();
    }, this.timeoutMs);
  }

  private stop(): void {
    this.stopped = true;
    this.request?.destroy(new Error('aborted'));
  }

  private readonly onCallerAbort = () => this.stop();
}

/**
 * Sends one request under `deadline`; `take` gets its 2xx response, body unread, inside the
 * response event: a JSON answer is read there to its end without a promise step per stage.
 */
function request<T>(
  provider: Provider,
  path: string,
  method: 'GET' | 'POST',
  body: string | undefined,
  deadline: CallDeadline,
  take: (
    response: IncomingMessage,
    resolve: (value: T) => void,
    reject: (err: unknown) => void,
  ) => void,
): Promise<T> {
  const target = targetOf(provider.base_url);
  const headers: Record<string, string | number> = headersFor(provider);
  if (body !== undefined) headers['content-length'] = Buffer.byteLength(body);
  const options = { ...target.options, method, headers, path: `${target.basePath}${path}` };
  return new Promise<T>((resolve, reject) => {
    const onResponse = (response: IncomingMessage) => {
      // a failure while the body is read reaches its reader; none may go unhandled meanwhile
      response.on('error', () => undefined);
      const status = response.statusCode ?? 0;
      if (status < 200 || status > 299) {
        response.resume();
        reject(new ProviderError(provider.name, `HTTP ${status}`, status));
        return;
      }
      take(response, resolve, reject);
    };
    const req = (target.secure ? httpsRequest : httpRequest)(options, onResponse);
    req.on('error', (err) => reject(deadline.failure(provider, err)));
    deadline.guard(req);
    req.end(body);
  });
}

/**
 * One server-sent event's data: its `data:` lines joined by newlines, one leading space dropped
 * from each; other lines (comments, `event:`, `id:`) ignored.
 */
export function eventData(event: string): string {
  return event
    .split('\n')
    .filter((line) => line.startsWith('data:'))
    .map((line) => line.slice(5).replace(/^ /, ''))
    .join('\n');
}

/**
 * Reads a response to its end with listeners, not `for await` or `stream.finished` (more
 * promises, ticks and listeners per answer, each a step for AsyncLocalStorage on Node 20):
 * `onData` gets each piece; `done` is called once: at the end, or with the error, a throw from
 * `onData` (the response is then destroyed) or a response cut off before its end.
 */
function onBody(
  response: IncomingMessage,
  onData: (piece: Buffer) => void,
  done: (err?: Error) => void,
): void {
  let settled = false;
  const fail = (err: unknown) => {
    if (settled) return;
    settled = true;
    done(err instanceof Error ? err : new Error(String(err)));
  };
  response.on('data', (piece: Buffer) => {
    if (settled) return;
    try {
      onData(piece);
    } catch (err) {
      fail(err);
      response.destroy();
    }
  });
  response.on('end', () => {
    if (settled) return;
    settled = true;
    done();
  });
  response.on('error', fail);
  response.on('close', () => fail(new Error('aborted')));
}

/** The body as text to `resolve`, refused past `limit` bytes (to `reject`). */
function readText(
  response: IncomingMessage,
  limit: number,
  resolve: (text: string) => void,
  reject: (err: Error) => void,
): void {
  const chunks: Buffer[] = [];
  let size = 0;
  onBody(
    response,
    (chunk) => {
      size += chunk.length;
      if (size > limit) throw new Error(`answer over ${limit} bytes`);
      chunks.push(chunk);
    },
    (err) => (err ? reject(err) : resolve(Buffer.concat(chunks).toString('utf8'))),
  );
}

/** One request whose answer is a JSON document. */
async function call(
  provider: Provider,
  path: string,
  method: 'GET' | 'POST',
  body: string | undefined,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<unknown> {
  const deadline = new CallDeadline(timeoutMs, signal);
  try {
    const text = await request<string>(
      provider,
      path,
      method,
      body,
      deadline,
      (response, resolve, reject) =>
        readText(response, MAX_RESPONSE_BYTES, resolve, (err) =>
          reject(deadline.failure(provider, err)),
        ),
    );
    try {
      return JSON.parse(text);
    } catch {
      throw new ProviderError(provider.name, 'response is not JSON');
    }
  } finally {
    deadline.dispose();
  }
}

/** Request fields VX11 sets itself; every other field of the caller's request is passed through. */
const OWN_FIELDS = new Set(['model', 'messages', 'stream', 'stream_options', 'fallback']);

function requestBody(
  provider: Provider,
  messages: ChatTurn[],
  params: ChatParams | undefined,
  model: string | undefined,
): Record<string, unknown> {
  const passed = Object.fromEntries(
    Object.entries(params ?? {}).filter(([key]) => !OWN_FIELDS.has(key)),
  );
  return { ...passed, model: model ?? provider.model, messages };
}

/** A rough token count (4 characters a token) for a provider that reports no usage. */
export function countTokens(text: string): number {
  return Math.ceil(text.length / 4);
}

function usageOf(
  usage: ChatCompletionResponse['usage'],
  messages: ChatTurn[],
  content: string,
): TokenUsage {
  if (usage && (typeof usage.total_tokens === 'number' || usage.prompt_tokens !== undefined)) {
    const prompt = usage.prompt_tokens ?? 0;
    const completion = usage.completion_tokens ?? 0;
    return {
      prompt_tokens: prompt,
      completion_tokens: completion,
      total_tokens: tokensOf(usage),
    };
  }
  const prompt = countTokens(messages.map((m) => m.content).join('\n'));
  const completion = countTokens(content);
  return {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: prompt + completion,
  };
}

export interface CallOptions {
  params?: ChatParams;
  /** The model to ask for instead of the provider's configured one. */
  model?: string;
  signal?: AbortSignal;
}

/** `POST {base_url}/chat/completions` with abort on timeout; usage read from the response. */
export async function chatCompletion(
  provider: Provider,
  messages: ChatTurn[],
  timeoutMs: number,
  options: CallOptions = {},
): Promise<Completion> {
  const started = performance.now();
  const body = (await call(
    provider,
    '/chat/completions',
    'POST',
    JSON.stringify(requestBody(provider, messages, options.params, options.model)),
    timeoutMs,
    options.signal,
  )) as ChatCompletionResponse;
  const choice = body.choices?.[0];
  const content = choice?.message?.content;
  if (typeof content !== 'string')
    throw new ProviderError(provider.name, 'response has no choices[0].message.content');
  const usage = body.usage ? usageOf(body.usage, messages, content) : undefined;
  return {
    provider: provider.name,
    model: typeof body.model === 'string' ? body.model : provider.model,
    content,
    tokens_used: tokensOf(body.usage),
    latency_ms: Math.round((performance.now() - started) * 100) / 100,
    ...(usage ? { usage } : {}),
    finish_reason: typeof choice?.finish_reason === 'string' ? choice.finish_reason : 'stop',
  };
}

/** One piece of a streamed answer as it arrives. */
export interface StreamDelta {
  content: string;
}

/** Longest SSE event a provider may send before the stream is called broken. */
const MAX_EVENT_CHARS = 1024 * 1024;
/** Longest streamed answer kept (the whole answer is stored when the stream ends). */
const MAX_ANSWER_CHARS = 4 * 1024 * 1024;

/**
 * `POST {base_url}/chat/completions` with `stream: true`: calls `onDelta` with each piece of
 * text as it arrives and resolves with the whole answer once the provider sent `[DONE]`.
 * `timeoutMs` bounds the wait for the response and for each next piece. A stream that ends
 * without `[DONE]`, sends an error event or cannot be parsed rejects with a ProviderError;
 * `onDelta` has then been called for what did arrive (`delivered` tells the caller).
 */
export async function streamCompletion(
  provider: Provider,
  messages: ChatTurn[],
  timeoutMs: number,
  onDelta: (delta: StreamDelta) => void,
  options: CallOptions = {},
): Promise<Completion> {
  const started = performance.now();
  // bounds the wait for the response and, rearmed on each piece, for every next piece
  const deadline = new CallDeadline(timeoutMs, options.signal);
  try {
    const body = requestBody(provider, messages, options.params, options.model);
    let model = provider.model;
    let content = '';
    let usage: ChatCompletionResponse['usage'];
    let finish: string | null = null;
    let done = false;
    let buffer = '';
    const decoder = new TextDecoder();
    const handle = (event: string) => {
      const data = eventData(event);
      if (data === '') return;
      if (data.trim() === '[DONE]') {
        done = true;
        return;
      }
      let chunk: StreamChunk;
      try {
        chunk = JSON.parse(data) as StreamChunk;
      } catch {
        throw new ProviderError(provider.name, 'stream event is not JSON');
      }
      if (chunk.error) {
        const message = typeof chunk.error.message === 'string' ? chunk.error.message : 'error';
        throw new ProviderError(provider.name, `error in stream: ${message}`);
      }
      if (typeof chunk.model === 'string') model = chunk.model;
      if (chunk.usage) usage = chunk.usage;
      const choice = chunk.choices?.[0];
      if (typeof choice?.finish_reason === 'string') finish = choice.finish_reason;
      const text = choice?.delta?.content;
      if (typeof text === 'string' && text.length > 0) {
        if (content.length + text.length > MAX_ANSWER_CHARS)
          throw new ProviderError(provider.name, `answer over ${MAX_ANSWER_CHARS} characters`);
        content += text;
        onDelta({ content: text });
      }
    };
    const onPiece = (piece: Buffer) => {
      deadline.rearm();
      if (done) return; // read to the end, so the connection is kept for the next call
      buffer += decoder.decode(piece, { stream: true }).replace(/\r\n?/g, '\n');
      let cut: number;
      while (!done && (cut = buffer.indexOf('\n\n')) >= 0) {
        handle(buffer.slice(0, cut));
        buffer = buffer.slice(cut + 2);
      }
      if (buffer.length > MAX_EVENT_CHARS)
        throw new ProviderError(provider.name, 'stream event too large');
    };
    // the body is read from the response event on (its first piece one promise step sooner)
    await request<void>(
      provider,
      '/chat/completions',
      'POST',
      JSON.stringify({ ...body, stream: true, stream_options: { include_usage: true } }),
      deadline,
      (response, resolve, reject) =>
        onBody(response, onPiece, (err) =>
          // once the answer was complete, a provider that then stalled or reset costs only
          // its connection
          err && !done ? reject(err) : resolve(),
        ),
    );
    if (!done) {
      if (deadline.stopped) throw new Error('aborted');
      throw new ProviderError(provider.name, 'stream ended before [DONE]');
    }
    const counted = usageOf(usage, messages, content);
    return {
      provider: provider.name,
      model,
      content,
      tokens_used: counted.total_tokens,
      latency_ms: Math.round((performance.now() - started) * 100) / 100,
      usage: counted,
      finish_reason: finish ?? 'stop',
    };
  } catch (err) {
    throw deadline.failure(provider, err);
  } finally {
    deadline.dispose();
  }
}

interface StreamChunk {
  model?: unknown;
  choices?: Array<{ delta?: { content?: unknown }; finish_reason?: unknown }>;
  usage?: ChatCompletionResponse['usage'];
  error?: { message?: unknown };
}

/** `GET {base_url}/models`: the model ids the engine serves. */
export async function listModels(provider: Provider, timeoutMs: number): Promise<string[]> {
  const body = (await call(provider, '/models', 'GET', undefined, timeoutMs)) as {
    data?: Array<{ id?: unknown }>;
  };
  if (!Array.isArray(body.data)) throw new ProviderError(provider.name, 'response has no data[]');
  return body.data.map((m) => m.id).filter((id): id is string => typeof id === 'string');
}
