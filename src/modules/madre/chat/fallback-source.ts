/** Which tier answered a chat: switch, madre (the fallback) or the local degraded responder. */
export type FallbackSource = 'switch' | 'madre' | 'local_llm_degraded';
