import { failed, GateResult, ok, skipped } from './gate';
import { Inject } from './probe';

export interface SwitchFirstInputs {
  switchProviders: readonly string[];
  switchState: string;
  inject: Inject;
  authHeaders: Record<string, string>;
}

/**
 * chat_switch_first: with a switch-tier provider configured and switch active, a probe chat
 * (POST /switch/chat) is answered by one of switch's providers; otherwise skipped, saying why.
 */
export async function chatSwitchFirst(input: SwitchFirstInputs): Promise<GateResult> {
  if (input.switchProviders.length === 0) {
    return skipped('no switch-tier provider is configured', { switch_state: input.switchState });
  }
  if (input.switchState !== 'active') {
    return skipped(`switch is ${input.switchState}`, { switch_providers: input.switchProviders });
  }
  const res = await input.inject({
    method: 'POST',
    url: '/switch/chat',
    headers: { ...input.authHeaders, 'content-type': 'application/json' },
    payload: JSON.stringify({
      messages: [{ role: 'user', content: 'VX11 rails probe: answer "ok".' }],
      metadata: { probe: 'manifestator.chat_switch_first' },
    }),
  });
  let body: { provider?: string; status?: string; fallback_reason?: string } = {};
  try {
    body = JSON.parse(res.body) as typeof body;
  } catch {
    body = {};
  }
  const evidence = {
    http_status: res.statusCode,
    provider: body.provider ?? null,
    status: body.status ?? null,
    fallback_reason: body.fallback_reason ?? null,
    switch_providers: input.switchProviders,
  };
  if (res.statusCode !== 200)
    return failed(`the probe chat answered HTTP ${res.statusCode}`, evidence);
  if (!body.provider || !input.switchProviders.includes(body.provider)) {
    return failed(
      `the probe chat was answered by ${body.provider ?? 'nobody'}, not a switch provider`,
      evidence,
    );
  }
  return ok(evidence);
}
