import { mkdtempSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assertBuilt, ChildApp, childEnv, deleteQueueKeys, spawnApp } from './support/child-app';
import { FakeProvider } from './support/fake-provider';
import { providerConfigFile } from './support/provider-config';
import { HttpDrain } from '../src/core/http/http-drain';
import { bootApp, TestApp, waitFor } from './support/test-app';

const TOKEN = 'shutdown-test-token-0123456789abcdef';
/** A madre-tier provider this slow keeps chats in flight when SIGTERM arrives. */
const PROVIDER_DELAY_MS = 250;
const CHAT_CLIENTS = 6;
const READ_CLIENTS = 2;

interface Outcome {
  kind: 'chat' | 'read';
  /** Written before SIGTERM was sent: the server accepted it before it began to close. */
  sentBeforeSignal: boolean;
  status?: number;
  headers?: Record<string, string | string[] | undefined>;
  text?: string;
  /** The connection failed instead (refused or reset once the server is gone). */
  error?: string;
}

function send(
  port: number,
  agent: Agent,
  kind: Outcome['kind'],
  sentBeforeSignal: boolean,
  n: number,
): Promise<Outcome> {
  const chat = kind === 'chat';
  const body = chat ? JSON.stringify({ message: `hello ${n}`, session_id: `s-${kind}-${n}` }) : '';
  return new Promise((resolve) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        agent,
        method: chat ? 'POST' : 'GET',
        path: chat ? '/operator/api/chat' : '/api/map',
        headers: {
          'x-vx11-token': TOKEN,
          ...(chat ? { 'content-type': 'application/json' } : {}),
        },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () =>
          resolve({ kind, sentBeforeSignal, status: res.statusCode, headers: res.headers, text }),
        );
        res.on('error', (err) => resolve({ kind, sentBeforeSignal, error: err.message }));
      },
    );
    req.on('error', (err) => resolve({ kind, sentBeforeSignal, error: err.message }));
    req.end(body);
  });
}

/** CONTRACT §2's error shape, with a correlation id. */
function isOneShape(status: number, text: string): boolean {
  try {
    const b = JSON.parse(text) as Record<string, unknown>;
    return (
      typeof b.error === 'string' &&
      typeof b.message === 'string' &&
      b.status_code === status &&
      typeof b.correlation_id === 'string' &&
      b.correlation_id.length > 0
    );
  } catch {
    return false;
  }
}

describe('graceful shutdown under chat load (node dist/src/main.js)', () => {
  beforeAll(assertBuilt);
  let dir: string;
  let fake: FakeProvider;
  let app: ChildApp | undefined;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'vx11-shutdown-'));
    fake = await new FakeProvider('slow-madre').start();
    fake.behaviour = { kind: 'delay', ms: PROVIDER_DELAY_MS };
  });
  afterAll(async () => {
    if (app && !app.hasExited()) await app.stop(2000);
    await fake.stop();
    if (app) await deleteQueueKeys(app.env.REDIS_URL!, app.env.VX11_QUEUE_PREFIX!);
    rmSync(dir, { recursive: true, force: true });
  });

  it('finishes in-flight chats with 200, tells keep-alive clients to close, answers the rest in the one shape, exits 0', async () => {
    const configFile = providerConfigFile(dir, [{ fake, tier: 'madre', timeout_ms: 5000 }], {
      // the load is many chats from one address: the chat limits are not what is tested here
      chat: { rateLimit: 1000, clientRateLimit: 100000 },
    });
    app = spawnApp(childEnv(dir, { VX11_TOKEN: TOKEN, VX11_CONFIG_FILE: configFile }));
    const port = await app.waitForListening();

    let signalled = false;
    let counter = 0;
    let chatsInFlight = 0;
    const outcomes: Outcome[] = [];
    const client = async (kind: Outcome['kind']) => {
      const agent = new Agent({ keepAlive: true, maxSockets: 1 });
      try {
        // until the server is gone: after the signal, the first failed connection ends it
        for (;;) {
          if (kind === 'chat') chatsInFlight += 1;
          const outcome = await send(port, agent, kind, !signalled, (counter += 1));
          if (kind === 'chat') chatsInFlight -= 1;
          outcomes.push(outcome);
          if (outcome.error && signalled) return;
          if (outcome.error) throw new Error(`before SIGTERM: ${outcome.error}`);
        }
      } finally {
        agent.destroy();
      }
    };
    const clients = [
      ...Array.from({ length: CHAT_CLIENTS }, () => client('chat')),
      ...Array.from({ length: READ_CLIENTS }, () => client('read')),
    ];

    // Under load, with chats waiting on the provider right now.
    await waitFor(() => outcomes.filter((o) => o.kind === 'chat').length >= 2 * CHAT_CLIENTS);
    const inFlightAtSignal = chatsInFlight;
    signalled = true;
    app.child.kill('SIGTERM');
    await Promise.all(clients);
    const exit = await app.exited;

    const chats = outcomes.filter((o) => o.kind === 'chat');
    const problems = outcomes.flatMap((o) => {
      if (o.error) return o.sentBeforeSignal ? [{ ...o, why: 'accepted, then not answered' }] : [];
      const status = o.status!;
      if (o.kind === 'chat' && status >= 500) return [{ ...o, why: 'chat answered 5xx' }];
      if (o.kind === 'chat' && o.sentBeforeSignal && status !== 200)
        return [{ ...o, why: 'in-flight chat not answered 200' }];
      if (status >= 400 && !isOneShape(status, o.text!))
        return [{ ...o, why: 'error outside the one shape' }];
      if (status === 503 && !o.headers!['retry-after'])
        return [{ ...o, why: '503 without Retry-After' }];
      if (status < 400) JSON.parse(o.text!);
      return [];
    });
    expect(problems).toEqual([]);

    // Chats the provider was still answering at the signal finished, and their answers (like
    // every answer from then on) told the keep-alive client to close.
    expect(inFlightAtSignal).toBeGreaterThan(0);
    const inFlightAnswers = chats.filter(
      (o) => o.sentBeforeSignal && o.status === 200 && o.headers!.connection === 'close',
    );
    expect(inFlightAnswers.length).toBeGreaterThan(0);
    for (const o of inFlightAnswers) {
      expect(JSON.parse(o.text!)).toMatchObject({ fallback_source: 'madre', degraded: true });
    }

    expect({ exit, stderr: /Shutdown (failed|exceeded)/.test(app.stderr()) }).toEqual({
      exit: { code: 0, signal: null },
      stderr: false,
    });
  });
});

describe('while draining (in-process)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await bootApp();
    // What Nest's first shutdown hook (or Fastify's close) does; the app itself stays up.
    t.get(HttpDrain).begin();
  });
  afterAll(() => t.close());

  it('answers a new request with 503 shutting_down in the one shape, Retry-After and Connection: close', async () => {
    for (const req of [
      t.http().get('/api/map').set(t.auth),
      t.http().get('/health'),
      t.http().post('/madre/power/window/open').set(t.auth).send({ service: 'switch' }),
      t.http().get('/no/such/route'),
    ]) {
      const res = await req.set('x-correlation-id', 'drain-1');
      expect({ status: res.status, body: res.body }).toEqual({
        status: 503,
        body: {
          error: 'shutting_down',
          message: expect.any(String),
          status_code: 503,
          correlation_id: 'drain-1',
          retry_after: Number(res.headers['retry-after']),
        },
      });
      expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
      expect(res.headers.connection).toBe('close');
    }
  });

  it('still answers the operator chat (never a 5xx), telling the client to close', async () => {
    for (const path of ['/operator/api/chat', '/operator/chat']) {
      const res = await t.http().post(path).set(t.auth).send({ message: 'status' });
      expect({ path, status: res.status }).toEqual({ path, status: 200 });
      expect(res.body).toMatchObject({ fallback_source: 'local_llm_degraded', degraded: true });
      expect(res.headers.connection).toBe('close');
    }
  });
});
