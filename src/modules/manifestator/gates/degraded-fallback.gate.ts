import { failed, GateResult, ok } from './gate';

/**
 * degraded_fallback: the local responder (the chat chain's last tier) answers a status question
 * with the real applied policy, without any provider.
 */
export function degradedFallback(reply: (message: string) => string, policy: string): GateResult {
  const started = performance.now();
  let answer: string;
  try {
    answer = reply('status');
  } catch (err) {
    return failed(`the local responder threw: ${(err as Error).message}`, {});
  }
  const evidence = {
    question: 'status',
    answer_chars: answer.length,
    answer: answer.slice(0, 240),
    duration_ms: Math.round(performance.now() - started),
  };
  if (answer.trim() === '') return failed('the local responder answered nothing', evidence);
  if (!answer.includes(`policy ${policy}`)) {
    return failed(`the answer does not report the applied policy (${policy})`, evidence);
  }
  return ok(evidence);
}
