import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assertBuilt, ChildApp, childEnv, deleteQueueKeys, spawnApp } from './support/child-app';
import { FakeProvider } from './support/fake-provider';
import { providerConfigFile } from './support/provider-config';
import { waitFor } from './support/test-app';

const TOKEN = 'chat-kill-test-token-0123456789abcdef';
const CLIENTS = 16;
/** Answers to collect before the kill: enough that many chats are in flight at that moment. */
const ANSWERS_BEFORE_KILL = 150;

interface Answered {
  message: string;
  session_id: string;
  response: string;
}

interface StoredSession {
  messages: Array<{ role: string; content: string }>;
}

/**
 * CONTRACT §4's promise under the worst stop: an answered chat has both its messages stored. The
 * built process answers chats from 16 clients at once (their writes share group commits) and is
 * killed with SIGKILL mid-stream; restarted on the same data dir, every session whose answer a
 * client received holds exactly its question and that answer.
 */
describe('chats answered before a kill -9', () => {
  beforeAll(assertBuilt);
  let dir: string;
  let app: ChildApp | undefined;
  const provider = new FakeProvider('durable');

  afterAll(async () => {
    await app?.stop(2000);
    await provider.stop();
    if (app?.env.REDIS_URL && app.env.VX11_QUEUE_PREFIX) {
      await deleteQueueKeys(app.env.REDIS_URL, app.env.VX11_QUEUE_PREFIX);
    }
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('are all stored after the restart', async () => {
    await provider.start();
    dir = mkdtempSync(join(tmpdir(), 'vx11-chat-kill-'));
    const env = childEnv(dir, {
      VX11_TOKEN: TOKEN,
      VX11_CONFIG_FILE: providerConfigFile(dir, [{ fake: provider, tier: 'switch' }], {
        chat: { rateLimit: 1_000_000, clientRateLimit: 1_000_000, rateWindowSec: 60 },
      }),
    });
    const started = spawnApp(env);
    app = started;
    let base = `http://127.0.0.1:${await started.waitForListening()}`;
    const call = (method: string, path: string, body?: object) =>
      fetch(`${base}${path}`, {
        method,
        headers: { 'content-type': 'application/json', 'x-vx11-token': TOKEN },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    await waitFor(
      async () =>
        ((await (await call('GET', '/vx11/status')).json()) as { redis: { status: string } }).redis
          .status === 'up',
      10_000,
    );
    const opened = await call('POST', '/madre/power/window/open', {
      service: 'switch',
      ttl_sec: 600,
    });
    expect(opened.status).toBe(200);

    const answered: Answered[] = [];
    const refused: number[] = [];
    let killed = false;
    const client = async (n: number) => {
      for (let i = 0; !killed; i += 1) {
        const message = `question ${n}-${i}`;
        try {
          const res = await call('POST', '/operator/api/chat', { message });
          if (res.status !== 200) refused.push(res.status);
          else answered.push({ message, ...((await res.json()) as Omit<Answered, 'message'>) });
        } catch {
          return; // the kill cut this chat off: it was never answered
        }
      }
    };
    const clients = Array.from({ length: CLIENTS }, (_, n) => client(n));
    await waitFor(() => answered.length >= ANSWERS_BEFORE_KILL, 30_000);
    killed = true;
    started.child.kill('SIGKILL');
    expect((await started.exited).signal).toBe('SIGKILL');
    await Promise.all(clients);
    expect(refused).toEqual([]);

    const restarted = spawnApp(env);
    app = restarted;
    base = `http://127.0.0.1:${await restarted.waitForListening()}`;
    const lost: Array<Answered & { stored: unknown }> = [];
    for (const chat of answered) {
      const res = await call('GET', `/operator/session/${chat.session_id}`);
      const stored = res.status === 200 ? ((await res.json()) as StoredSession).messages : [];
      const turns = stored.map(({ role, content }) => ({ role, content }));
      const expected = [
        { role: 'user', content: chat.message },
        { role: 'assistant', content: chat.response },
      ];
      if (JSON.stringify(turns) !== JSON.stringify(expected)) lost.push({ ...chat, stored });
    }
    expect({ answered: answered.length, lost }).toEqual({ answered: answered.length, lost: [] });
    expect(answered.length).toBeGreaterThanOrEqual(ANSWERS_BEFORE_KILL);
  }, 90_000);
});
