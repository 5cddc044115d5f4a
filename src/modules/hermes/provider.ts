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
  source: 'config' | 'runtime';
  models?: string[] | null;
}

export interface ChatTurn {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

export interface Completion {
  provider: string;
  model: string;
  content: string;
  tokens_used: number;
  latency_ms: number;
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
