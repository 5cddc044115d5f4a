import { JobName } from '../../core/queue/queue-names';
import type { ChatTurn } from '../hermes/provider';

/** A chat routed through a tier's queue; the worker answers with a Completion. */
export interface ChatJobData {
  messages: ChatTurn[];
  /** Epoch ms: the caller stops waiting then, so the worker stops trying providers. */
  deadline: number;
  timeout_ms: number;
  correlation_id: string | null;
  provider_hint?: string;
}

export const CHAT_JOB = JobName.Chat;
