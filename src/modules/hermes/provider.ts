/** One OpenAI-compatible chat provider, from config or the hermes engines table. */
export interface Provider {
  name: string;
  tier: 'switch' | 'madre';
  base_url: string;
  model: string;
  api_key_env?: string | null;
  /** Set when `api_key_env` names a variable engines may not use: no key is ever sent then. */
  api_key_refused?: string | null;
  timeout_ms?: number | null;
  priority: number;
  daily_token_budget?: number | null;
  /** Price per 1000 tokens (config providers); the budget downgrade prefers the cheapest. */
  cost_per_1k_tokens?: number | null;
  /** Calls in flight at once (config providers); unlimited when unset. */
  max_concurrency?: number | null;
  source: 'config' | 'runtime';
  models?: string[] | null;
}

export interface ChatTurn {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

/** What a provider is asked besides the messages: OpenAI request fields, passed through. */
export type ChatParams = Record<string, unknown>;

export interface TokenUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
}

export interface Completion {
  provider: string;
  model: string;
  content: string;
  tokens_used: number;
  latency_ms: number;
  /** The provider's own usage when it sent one; counted otherwise (streams). */
  usage?: TokenUsage;
  finish_reason?: string | null;
}

/** Why a provider call failed; `status` is the HTTP status when there was one. */
export class ProviderError extends Error {
  constructor(
    readonly provider: string,
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'ProviderError';
  }
}
