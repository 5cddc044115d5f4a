import { Logger } from '@nestjs/common';
import { Registry } from 'prom-client';
import { AppConfig } from '../../core/config/app-config';
import { ApiError } from '../../core/errors/api-error';
import { EventBus, VxEvent } from '../../core/events/event-bus.service';
import { MetricsService } from '../../core/metrics/metrics.service';
import { QueueName } from '../../core/queue/queue-names';
import { QueueService } from '../../core/queue/queue.service';
import { RedisService } from '../../core/queue/redis.service';
import { ModuleRegistry, ModuleStateWriter } from '../../core/registry/module-registry.service';
import { Completion } from '../hermes/provider';
import { TierRouter } from '../hermes/tier-router.service';
import { IncidentEntity } from '../madre/health/incident.entity';
import { IncidentReport, IncidentService } from '../madre/health/incident.service';
import { ChatJobData } from '../hermes/tier-chat-job';
import { SwitchModeService } from '../switch/switch-mode.service';
import { ChatMessageEntity } from './chat-message.entity';
import { ChatMetrics } from './chat-metrics';
import { ChatPersistenceReporter } from './chat-persistence-reporter';
import { ChatRateLimiter } from './chat-rate-limiter.service';
import { ChatStore } from './chat-store.service';
import { LocalResponder } from '../madre/chat/local-responder';
import { OperatorChatService } from './operator-chat.service';
import { ChatChain } from '../madre/chat/chat-chain.service';
import { ChatStreamHub } from '../hermes/chat-stream-hub.service';

const MODE_TIMEOUT_MS = 5000;

/** A tier's queue: answers with a completion, or fails the way a worker's job fails. */
type TierReply = Completion | Error;

/** The queues the chat asks, recording every job it puts on them. */
class FakeQueues {
  readonly jobs: Array<{ queue: QueueName; data: ChatJobData; waitMs: number }> = [];
  readonly replies = new Map<QueueName, TierReply>();

  async request<T>(queue: QueueName, _job: string, data: object, waitMs: number): Promise<T> {
    this.jobs.push({ queue, data: data as ChatJobData, waitMs });
    const reply = this.replies.get(queue) ?? new Error('no worker took the job');
    if (reply instanceof Error) throw reply;
    return reply as T;
  }
}

/** The chat store: keeps messages in order, or refuses them like a broken database. */
class FakeStore {
  readonly messages: ChatMessageEntity[] = [];
  refuse: Error | null = null;
  /** Refuse by throwing before any promise (a statement that cannot even be prepared). */
  refuseAtOnce = false;
  /** While set, a user message's commit waits for it (a slow commit). */
  userCommit: Promise<void> | null = null;

  append(message: ChatMessageEntity): Promise<void> {
    if (this.refuse && this.refuseAtOnce) throw this.refuse;
    return this.commit(message);
  }

  private async commit(message: ChatMessageEntity): Promise<void> {
    if (this.refuse) throw this.refuse;
    if (message.role === 'user' && this.userCommit) await this.userCommit;
    this.messages.push(message);
  }

  async recent(sessionId: string, limit: number): Promise<ChatMessageEntity[]> {
    if (this.refuse) throw this.refuse;
    return this.messages.filter((m) => m.session_id === sessionId).slice(-limit);
  }
}

const completion = (provider: string, content: string): Completion => ({
  provider,
  model: `${provider}-model`,
  content,
  tokens_used: 21,
  latency_ms: 3,
});

/** The listeners of an event published after the answer (emitAfterThisTurn) have run. */
const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

describe('OperatorChatService', () => {
  let queues: FakeQueues;
  let store: FakeStore;
  let tiersWithProviders: Set<string>;
  let registry: ModuleRegistry;
  let states: ModuleStateWriter;
  let raised: IncidentReport[];
  let events: VxEvent[];
  let metrics: Registry;
  let logged: jest.SpyInstance;
  let build: (incidents: Pick<IncidentService, 'raise'>) => OperatorChatService;
  let service: OperatorChatService;

  const setState = (name: string, state: 'active' | 'off') =>
    states.set(name, state, new Date().toISOString());

  let config: AppConfig;

  beforeEach(() => {
    config = {
      queuePrefix: 'spec',
      chat: { rateLimit: 3, clientRateLimit: 100, rateWindowSec: 60, maxMessageChars: 50 },
    } as AppConfig;
    registry = new ModuleRegistry({ legacyPorts: {} } as unknown as AppConfig);
    states = registry.claimStateWriter();
    queues = new FakeQueues();
    store = new FakeStore();
    tiersWithProviders = new Set(['switch', 'madre']);
    raised = [];
    events = [];
    const bus = new EventBus();
    bus.subscribe((e) => void events.push(e));
    // Nest's logger would print the expected error and debug lines into the test output.
    logged = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    jest.spyOn(Logger.prototype, 'debug').mockImplementation(() => undefined);
    build = (incidents) => {
      metrics = new Registry();
      const metricsService = { registry: metrics } as MetricsService;
      const chain = new ChatChain(
        registry,
        queues as unknown as QueueService,
        {
          hasProviders: (tier: string) => tiersWithProviders.has(tier),
          available: () => true,
        } as unknown as TierRouter,
        { timeoutMs: MODE_TIMEOUT_MS } as SwitchModeService,
        {} as ChatStreamHub,
        {
          reply: (message: string, why: string) => `local answer to "${message}" (${why})`,
        } as LocalResponder,
      );
      return new OperatorChatService(
        config,
        // The real limiter, counting in memory as it does while Redis is down.
        new ChatRateLimiter(config, { isUp: () => false } as unknown as RedisService),
        store as unknown as ChatStore,
        chain,
        new ChatMetrics(metricsService),
        bus,
        new ChatPersistenceReporter(incidents as IncidentService, metricsService),
      );
    };
    service = build({
      raise: async (report: IncidentReport) => {
        raised.push(report);
        return { incident: { id: 'incident-1' } as IncidentEntity, opened: raised.length === 1 };
      },
    });
  });
  afterEach(() => jest.restoreAllMocks());

  const chat = (message: string, session?: string) =>
    service.chat(message, session, 'corr-1', '10.0.0.1');

  it('answers from switch when it is awake, storing the question and then the answer', async () => {
    setState('switch', 'active');
    setState('madre', 'active');
    queues.replies.set(QueueName.Switch, completion('fast', 'switch says hi'));
    const before = Date.now();

    const answer = await chat('hello', 'session-1');

    expect(answer).toMatchObject({
      session_id: 'session-1',
      response: 'switch says hi',
      provider: 'fast',
      model: 'fast-model',
      fallback_source: 'switch',
      degraded: false,
      correlation_id: 'corr-1',
    });
    expect(queues.jobs).toHaveLength(1);
    const [job] = queues.jobs;
    expect(job.queue).toBe(QueueName.Switch);
    expect(job.data).toMatchObject({
      messages: [{ role: 'user', content: 'hello' }],
      timeout_ms: MODE_TIMEOUT_MS,
      correlation_id: 'corr-1',
    });
    // The worker stops at the mode's timeout; the caller waits a little longer for its reply.
    expect(job.data.deadline).toBeGreaterThanOrEqual(before + MODE_TIMEOUT_MS);
    expect(job.waitMs).toBeGreaterThan(MODE_TIMEOUT_MS);
    expect(store.messages.map((m) => [m.role, m.content, m.session_id])).toEqual([
      ['user', 'hello', 'session-1'],
      ['assistant', 'switch says hi', 'session-1'],
    ]);
    expect(store.messages[1]).toMatchObject({
      id: answer.message_id,
      fallback_source: 'switch',
      provider: 'fast',
      tokens_used: 21,
      correlation_id: 'corr-1',
    });
    expect(events.some((e) => e.type === 'chat.completed')).toBe(false); // not before the answer
    await nextTurn();
    expect(events.find((e) => e.type === 'chat.completed')?.payload).toMatchObject({
      session_id: 'session-1',
      message_id: answer.message_id,
      fallback_source: 'switch',
    });
  });

  it('routes while the question commits, and stores and returns the answer only after it', async () => {
    setState('switch', 'active');
    queues.replies.set(QueueName.Switch, completion('fast', 'switch says hi'));
    let commitQuestion!: () => void;
    store.userCommit = new Promise((resolve) => (commitQuestion = resolve));
    let answered = false;
    const answering = chat('hello', 'session-1').then((answer) => {
      answered = true;
      return answer;
    });

    await new Promise((resolve) => setImmediate(resolve));
    expect(queues.jobs).toHaveLength(1); // the job went out before the question committed
    expect(answered).toBe(false);
    expect(store.messages).toEqual([]); // the answer waits for the question
    commitQuestion();
    const answer = await answering;
    expect(answer.response).toBe('switch says hi');
    expect(store.messages.map((m) => m.role)).toEqual(['user', 'assistant']);
  });

  it('falls back to madre when switch is dormant or fails, and to the local responder saying why', async () => {
    setState('madre', 'active');
    queues.replies.set(QueueName.Madre, completion('steady', 'madre says hi'));
    const fromMadre = await chat('hello');
    expect(fromMadre).toMatchObject({ fallback_source: 'madre', degraded: true });
    expect(queues.jobs.map((j) => j.queue)).toEqual([QueueName.Madre]);
    expect(typeof fromMadre.session_id).toBe('string');

    setState('switch', 'active');
    queues.replies.set(QueueName.Switch, new Error('no switch-tier provider answered'));
    queues.replies.set(QueueName.Madre, new Error('job timed out'));
    const local = await chat('tell me something');
    expect(local).toMatchObject({
      fallback_source: 'local_llm_degraded',
      degraded: true,
      provider: 'local',
      model: 'vx11-local-degraded',
      response:
        'local answer to "tell me something" (switch: no switch-tier provider answered; madre: job timed out)',
    });
    await nextTurn();
    expect(events.at(-1)?.payload.fallback_reason).toBe(
      'switch: no switch-tier provider answered; madre: job timed out',
    );
  });

  it('queues nothing for a tier without providers', async () => {
    setState('switch', 'active');
    setState('madre', 'active');
    tiersWithProviders.clear();
    const answer = await chat('hello');
    expect(answer.fallback_source).toBe('local_llm_degraded');
    expect(answer.response).toContain(
      'no switch-tier provider configured; no madre-tier provider configured',
    );
    expect(queues.jobs).toEqual([]);
  });

  it('refuses empty and too long messages before counting or storing them', async () => {
    await expect(chat('   ')).rejects.toMatchObject({ status: 400, code: 'validation_failed' });
    await expect(chat('x'.repeat(51))).rejects.toMatchObject({
      status: 413,
      code: 'message_too_long',
    });
    expect(store.messages).toEqual([]);
    // Neither counted against the session's limit of 3.
    for (let i = 0; i < 3; i++) await chat('ok', 'session-r');
  });

  it('limits a session with 429 and Retry-After, storing nothing of the refused message', async () => {
    for (let i = 0; i < 3; i++) await chat(`m${i}`, 'busy');
    const refused = (await chat('one too many', 'busy').catch((e: unknown) => e)) as ApiError;
    expect(refused).toBeInstanceOf(ApiError);
    expect(refused).toMatchObject({ status: 429, code: 'rate_limited' });
    expect(refused.extra).toMatchObject({ limit_scope: 'session' });
    expect(Number(refused.headers?.['retry-after'])).toBe(refused.extra?.retry_after);
    expect(store.messages.filter((m) => m.content === 'one too many')).toEqual([]);
  });

  it('still answers when the store refuses both messages, and reports the loss as an incident, a log line and a metric', async () => {
    store.refuse = new Error('SQLITE_READONLY: attempt to write a readonly database');

    const answer = await chat('status', 'lost');

    expect(answer).toMatchObject({ session_id: 'lost', fallback_source: 'local_llm_degraded' });
    expect(answer.response).toContain('local answer to "status"');
    await nextTurn();
    expect(events.some((e) => e.type === 'chat.completed')).toBe(true);
    expect(raised).toHaveLength(1);
    expect(raised[0]).toMatchObject({
      kind: 'chat_persistence',
      source: 'operator',
      severity: 'error',
    });
    expect(raised[0].detail).toContain('session lost (correlation corr-1)');
    expect(raised[0].detail).toContain(`assistant message ${answer.message_id} not stored`);
    expect(raised[0].detail).toContain('SQLITE_READONLY');
    expect(logged).toHaveBeenCalledWith(
      expect.stringContaining('chat answered without persisting'),
    );
    const counted = await metrics.getSingleMetricAsString('vx11_chat_persist_failures_total');
    expect(counted).toContain('vx11_chat_persist_failures_total{role="user"} 1');
    expect(counted).toContain('vx11_chat_persist_failures_total{role="assistant"} 1');

    store.refuse = null;
    await chat('status', 'kept');
    expect(raised).toHaveLength(1);
    expect(store.messages.map((m) => m.session_id)).toEqual(['kept', 'kept']);
  });

  it('answers and reports the same when the store throws before it even starts a commit', async () => {
    store.refuse = new Error('SQLITE_MISUSE: the database connection is not open');
    store.refuseAtOnce = true;

    const answer = await chat('status', 'unprepared');

    expect(answer).toMatchObject({ session_id: 'unprepared' });
    expect(raised).toHaveLength(1);
    expect(raised[0].detail).toContain(`assistant message ${answer.message_id} not stored`);
    expect(raised[0].detail).toContain('SQLITE_MISUSE');
    store.refuse = null;
    store.refuseAtOnce = false;
    await chat('status', 'kept');
    expect(store.messages.map((m) => m.session_id)).toEqual(['kept', 'kept']);
  });

  it('answers even when the incident cannot be raised either', async () => {
    store.refuse = new Error('disk I/O error');
    service = build({ raise: () => Promise.reject(new Error('disk I/O error')) });

    await expect(chat('hello')).resolves.toMatchObject({ fallback_source: 'local_llm_degraded' });
    await new Promise((r) => setImmediate(r)); // the incident is raised after answering
    expect(logged).toHaveBeenCalledWith(
      'chat persistence incident not raised: Error: disk I/O error',
    );
  });

  it('sends the system prompt and the session’s recent messages, bounded by count and characters', async () => {
    setState('switch', 'active');
    config.chat.systemPrompt = 'Be brief.';
    config.chat.rateLimit = 10;
    config.chat.contextMessages = 3;
    config.chat.contextChars = 1000;
    queues.replies.set(QueueName.Switch, completion('fast', 'ok'));
    for (const m of ['one', 'two', 'three']) await chat(m, 'ctx');
    expect(queues.jobs.map((j) => j.data.messages)).toEqual([
      [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'one' },
      ],
      [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'one' },
        { role: 'assistant', content: 'ok' },
        { role: 'user', content: 'two' },
      ],
      [
        { role: 'system', content: 'Be brief.' },
        // four earlier messages, three sent: the oldest goes first
        { role: 'assistant', content: 'ok' },
        { role: 'user', content: 'two' },
        { role: 'assistant', content: 'ok' },
        { role: 'user', content: 'three' },
      ],
    ]);
    config.chat.contextChars = 8; // 'ok' + 'three' fit (7), one more 'ok' would not
    await chat('four', 'ctx');
    expect(queues.jobs.at(-1)?.data.messages).toEqual([
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'three' },
      { role: 'assistant', content: 'ok' },
      { role: 'user', content: 'four' },
    ]);
  });

  it('still answers, without history, when the store cannot read the session', async () => {
    setState('switch', 'active');
    queues.replies.set(QueueName.Switch, completion('fast', 'ok'));
    store.recent = () => Promise.reject(new Error('SQLITE_BUSY'));
    await expect(chat('hello', 'unreadable')).resolves.toMatchObject({ fallback_source: 'switch' });
    expect(queues.jobs.at(-1)?.data.messages).toEqual([{ role: 'user', content: 'hello' }]);
  });
});
