import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import {
  StreamableHTTPClientTransport,
  StreamableHTTPError,
} from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import {
  type CallToolResult,
  McpError,
  ResourceUpdatedNotificationSchema,
} from '@modelcontextprotocol/sdk/types.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { McpSessions } from '../src/modules/mcp/mcp-sessions.service';
import { FakeProvider } from './support/fake-provider';
import { providerConfigFile } from './support/provider-config';
import { bootApp, TEST_TOKEN, TestApp, waitFor } from './support/test-app';

type Structured = Record<string, unknown>;

/** The JSON text of a resources/read answer, parsed. */
const jsonOf = (read: { contents: object[] }): unknown =>
  JSON.parse(String((read.contents[0] as { text?: string }).text));

const INITIALIZE = {
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: {
    protocolVersion: '2025-06-18',
    capabilities: {},
    clientInfo: { name: 'raw', version: '0' },
  },
};

const TOOLS = [
  'vx11_status',
  'list_modules',
  'open_window',
  'close_window',
  'apply_policy',
  'chat',
  'list_incidents',
  'ack_incident',
  'resolve_incident',
  'query_events',
  'verify_ledger',
  'run_maintenance',
  'list_backups',
  'spawn_run',
  'submit_intent',
  'plan_status',
  'confirm_plan',
  'hormiguero_scan',
  'manifestator_rails',
];

describe('MCP server on /mcp (the SDK client over Streamable HTTP)', () => {
  let t: TestApp;
  let fake: FakeProvider;
  let dir: string;
  let url: URL;
  const clients: Client[] = [];

  const connect = async (): Promise<{
    client: Client;
    transport: StreamableHTTPClientTransport;
  }> => {
    const client = new Client({ name: 'vx11-e2e', version: '1.0.0' });
    const transport = new StreamableHTTPClientTransport(url, {
      requestInit: { headers: { Authorization: `Bearer ${TEST_TOKEN}` } },
    });
    await client.connect(transport);
    clients.push(client);
    return { client, transport };
  };
  const call = async (client: Client, name: string, args: Record<string, unknown> = {}) =>
    (await client.callTool({ name, arguments: args })) as CallToolResult;
  const structured = (result: CallToolResult) => result.structuredContent as Structured;
  /** A JSON-RPC message POSTed without the SDK (initialize unless another is given). */
  const rawPost = (headers: Record<string, string>, message: object = INITIALIZE) =>
    fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
        ...headers,
      },
      body: JSON.stringify(message),
    });
  const bearer = { authorization: `Bearer ${TEST_TOKEN}` };
  const state = async () =>
    (await t.http().get('/madre/power/state').set(t.auth).expect(200)).body as Structured;
  const toolEvents = async () =>
    (
      await t
        .http()
        .get('/operator/api/events?type=mcp.tool.called&limit=500')
        .set(t.auth)
        .expect(200)
    ).body.events as Array<{ payload: Structured; correlation_id: string | null }>;

  beforeAll(async () => {
    fake = await new FakeProvider('madre-fake').start();
    dir = mkdtempSync(join(tmpdir(), 'vx11-mcp-'));
    const file = providerConfigFile(dir, [{ fake, tier: 'madre' }], {
      policies: {
        solo_madre: [],
        operative_core: ['switch', 'hermes', 'spawner', 'mcp'],
        full: ['switch', 'hermes', 'hormiguero', 'manifestator', 'mcp', 'shubniggurath', 'spawner'],
        mcp_only: ['mcp'],
      },
      mcp: { maxSessions: 32, sessionIdleSec: 900, maxArgumentBytes: 4096 },
    });
    t = await bootApp({ VX11_CONFIG_FILE: file });
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = t.app.getHttpServer().address() as AddressInfo;
    url = new URL(`http://127.0.0.1:${port}/mcp`);
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close().catch(() => undefined)));
    await t.close();
    await fake.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers 401 without a token and 503 module_dormant while mcp is dormant', async () => {
    const anonymous = await rawPost({});
    expect(anonymous.status).toBe(401);
    const dormant = await rawPost({ authorization: `Bearer ${TEST_TOKEN}` });
    expect(dormant.status).toBe(503);
    expect(await dormant.json()).toMatchObject({ error: 'module_dormant', module: 'mcp' });
    // The SDK's own client sees the same refusal.
    const client = new Client({ name: 'vx11-e2e', version: '1.0.0' });
    const transport = new StreamableHTTPClientTransport(url, {
      requestInit: { headers: { Authorization: `Bearer ${TEST_TOKEN}` } },
    });
    await expect(client.connect(transport)).rejects.toBeInstanceOf(StreamableHTTPError);
  });

  it('after an mcp window opens: initialize, tools/list with schemas, resources/list', async () => {
    await t
      .http()
      .post('/madre/power/window/open')
      .set(t.auth)
      .send({ services: ['mcp'], mode: 'hold', reason: 'mcp e2e' })
      .expect(200);
    const { client } = await connect();
    expect(client.getServerVersion()).toMatchObject({ name: 'vx11' });
    expect(client.getServerCapabilities()).toMatchObject({
      tools: {},
      resources: { subscribe: true },
    });
    const { tools } = await client.listTools();
    expect(tools.map((tool) => tool.name).sort()).toEqual([...TOOLS].sort());
    for (const tool of tools) {
      expect(tool.description!.length).toBeGreaterThan(40);
      expect(tool.inputSchema.type).toBe('object');
    }
    const openWindow = tools.find((tool) => tool.name === 'open_window')!;
    expect(openWindow.inputSchema).toMatchObject({
      properties: {
        services: { type: 'array', items: { type: 'string' } },
        mode: { enum: ['ttl', 'hold'] },
        ttl_sec: { type: 'integer' },
      },
      required: ['services'],
      additionalProperties: false,
    });
    const { resources } = await client.listResources();
    expect(resources.map((r) => r.uri).sort()).toEqual([
      'vx11://events/recent',
      'vx11://incidents/open',
      'vx11://status',
      'vx11://topology',
    ]);
    const status = await client.readResource({ uri: 'vx11://status' });
    const body = jsonOf(status) as Structured;
    expect(body).toMatchObject({ status: expect.any(String), policy: 'solo_madre' });
    expect((body.modules as Structured).mcp).toBe('active');
    const topology = await client.readResource({ uri: 'vx11://topology' });
    expect(jsonOf(topology)).toMatchObject({
      nodes: expect.arrayContaining([expect.objectContaining({ id: 'mcp', state: 'active' })]),
    });
    await expect(client.readResource({ uri: 'vx11://nope' })).rejects.toMatchObject({
      code: -32002,
    });
  });

  it('keeps the session when apply_policy through MCP replaces the window with a policy holding mcp', async () => {
    const { client } = await connect();
    const applied = await call(client, 'apply_policy', { policy: 'mcp_only' });
    expect(applied.isError).toBeFalsy();
    expect(structured(applied)).toMatchObject({
      policy: 'mcp_only',
      policy_active: true,
      window_closed: expect.any(String),
    });
    const listed = await call(client, 'list_modules');
    expect(structured(listed)).toMatchObject({ policy: 'mcp_only', window: null });
  });

  it('open_window on switch through MCP: /madre/power/state shows the window', async () => {
    const { client } = await connect();
    const opened = await call(client, 'open_window', {
      services: ['switch'],
      ttl_sec: 600,
      reason: 'from mcp',
    });
    expect(opened.isError).toBeFalsy();
    const windowId = structured(opened).window_id;
    expect(windowId).toEqual(expect.any(String));
    expect(await state()).toMatchObject({
      window_id: windowId,
      window_services: ['switch'],
      active_services: expect.arrayContaining(['switch', 'mcp']),
    });
    // The window rules are the service's: a second window is a tool error, not a crash.
    const again = await call(client, 'open_window', { services: ['hermes'], ttl_sec: 60 });
    expect(again.isError).toBe(true);
    expect(structured(again)).toMatchObject({ error: 'window_already_open', status_code: 409 });
  });

  it('chat answers through the chain, with its fallback source', async () => {
    const { client } = await connect();
    const result = await call(client, 'chat', { message: 'hello from mcp' });
    expect(result.isError).toBeFalsy();
    // switch is awake but has no provider, so madre's (fake) provider answers.
    expect(structured(result)).toMatchObject({
      fallback_source: 'madre',
      degraded: true,
      response: 'madre-fake says: hello from mcp',
    });
    expect(fake.calls).toBeGreaterThanOrEqual(1);
  });

  it('query_events returns the window.opened event', async () => {
    const { client } = await connect();
    const result = await call(client, 'query_events', { type: 'window.opened', limit: 10 });
    const events = structured(result).events as Array<{ type: string; payload: Structured }>;
    expect(events.length).toBeGreaterThanOrEqual(1);
    expect(events.every((e) => e.type === 'window.opened')).toBe(true);
    expect(events[0].payload).toMatchObject({ services: ['switch'], reason: 'from mcp' });
    const verify = await call(client, 'verify_ledger');
    expect(structured(verify)).toMatchObject({ ok: true });
  });

  it('run_maintenance returns a report with status ok, and list_backups shows its backup', async () => {
    const { client } = await connect();
    const result = await call(client, 'run_maintenance', { reason: 'mcp e2e' });
    expect(result.isError).toBeFalsy();
    expect(structured(result)).toMatchObject({ status: 'ok' });
    const backups = await call(client, 'list_backups');
    expect((structured(backups).backups as unknown[]).length).toBeGreaterThanOrEqual(1);
  });

  it('answers a wrong argument type with an MCP error and keeps the session usable', async () => {
    const { client } = await connect();
    const wrongType = client.callTool({ name: 'open_window', arguments: { services: 'switch' } });
    await expect(wrongType).rejects.toBeInstanceOf(McpError);
    await expect(
      client.callTool({ name: 'open_window', arguments: { services: 'switch' } }),
    ).rejects.toMatchObject({ code: -32602, message: expect.stringContaining('services') });
    await expect(client.callTool({ name: 'rm_rf', arguments: {} })).rejects.toMatchObject({
      code: -32602,
      message: expect.stringContaining('Unknown tool "rm_rf"'),
    });
    await expect(
      client.callTool({ name: 'chat', arguments: { message: 'x'.repeat(5000) } }),
    ).rejects.toMatchObject({ code: -32602, message: expect.stringContaining('limit is 4096') });
    await expect(
      client.callTool({ name: 'query_events', arguments: { type: 'bad type!' } }),
    ).rejects.toMatchObject({ code: -32602, message: expect.stringContaining('type') });
    const status = await call(client, 'vx11_status');
    expect(status.isError).toBeFalsy();
    expect(structured(status)).toMatchObject({ status: expect.any(String), policy: 'mcp_only' });
  });

  it('answers a tool whose module is dormant with a tool error naming the window to open', async () => {
    const { client } = await connect();
    const result = await call(client, 'spawn_run', { program: 'echo', args: ['hi'] });
    expect(result.isError).toBe(true);
    expect(structured(result)).toMatchObject({ error: 'module_dormant', module: 'spawner' });
    const text = (result.content as Array<{ text: string }>)[0].text;
    expect(text).toContain('open_window');
    expect(text).toContain('"services":["spawner"]');
  });

  it('submit_intent plans through madre: a LOW plan runs, a MED one waits for confirm_plan', async () => {
    const { client } = await connect();
    const low = await call(client, 'submit_intent', { intent_type: 'status' });
    expect(low.isError).toBeFalsy();
    const planId = structured(low).plan_id as string;
    expect(structured(low)).toMatchObject({ risk: 'LOW', source: 'mcp' });
    const done = await waitFor(async () => {
      const plan = structured(await call(client, 'plan_status', { plan_id: planId }));
      return ['DONE', 'ERROR'].includes(plan.status as string) ? plan : undefined;
    }, 10000);
    expect(done).toMatchObject({ plan_id: planId, status: 'DONE' });
    const med = await call(client, 'submit_intent', {
      intent_type: 'spawn',
      payload: { program: 'echo', args: ['from mcp'] },
    });
    expect(structured(med)).toMatchObject({
      status: 'WAITING',
      risk: 'MED',
      confirm_token: expect.any(String),
    });
    const wrong = await call(client, 'confirm_plan', {
      plan_id: structured(med).plan_id,
      confirm_token: 'not-the-token',
    });
    expect(wrong.isError).toBe(true);
    expect(structured(wrong)).toMatchObject({ error: 'invalid_confirm_token', status_code: 403 });
    const events = await waitFor(async () => {
      const list = await toolEvents();
      return list.some((e) => e.payload.tool === 'confirm_plan') ? list : undefined;
    });
    const confirm = events!.find((e) => e.payload.tool === 'confirm_plan')!;
    expect(confirm.payload.arguments).toMatchObject({ confirm_token: '[redacted]' });
  });

  it('hormiguero_scan and manifestator_rails name the window to open while their modules sleep', async () => {
    const { client } = await connect();
    for (const [tool, module] of [
      ['hormiguero_scan', 'hormiguero'],
      ['manifestator_rails', 'manifestator'],
    ]) {
      const result = await call(client, tool);
      expect(result.isError).toBe(true);
      expect(structured(result)).toMatchObject({ error: 'module_dormant', module });
    }
  });

  it('records every tool call in the ledger (secrets redacted) and in the metrics', async () => {
    const { client } = await connect();
    await expect(
      client.callTool({ name: 'chat', arguments: { message: 'hi', api_key: 'sk-secret-value' } }),
    ).rejects.toBeInstanceOf(McpError);
    const events = await waitFor<Awaited<ReturnType<typeof toolEvents>> | undefined>(async () => {
      const list = await toolEvents();
      return list.some(
        (e) => e.payload.outcome === 'invalid_arguments' && e.payload.tool === 'chat',
      )
        ? list
        : undefined;
    }).then((list) => list!);
    const refused = events.find(
      (e) => e.payload.outcome === 'invalid_arguments' && e.payload.tool === 'chat',
    )!;
    expect(refused.payload.arguments).toEqual({ message: 'hi', api_key: '[redacted]' });
    expect(JSON.stringify(events)).not.toContain('sk-secret-value');
    const chatOk = events.find((e) => e.payload.tool === 'chat' && e.payload.outcome === 'ok')!;
    expect(chatOk.payload).toMatchObject({
      arguments: { message: 'hello from mcp' },
      session_id: expect.any(String),
    });
    expect(chatOk.correlation_id).toEqual(expect.any(String));
    expect(chatOk.payload.correlation_id).toBe(chatOk.correlation_id);
    const outcomes = new Set(events.map((e) => e.payload.outcome));
    for (const outcome of [
      'ok',
      'error',
      'dormant',
      'invalid_arguments',
      'unknown_tool',
      'too_large',
    ])
      expect(outcomes).toContain(outcome);
    const metrics = (await t.http().get('/metrics').expect(200)).text;
    expect(metrics).toMatch(/vx11_mcp_tool_calls_total\{tool="chat",outcome="ok"\} 1\b/);
    expect(metrics).toMatch(/vx11_mcp_tool_calls_total\{tool="spawn_run",outcome="dormant"\} 1\b/);
    expect(metrics).toMatch(
      /vx11_mcp_tool_calls_total\{tool="unknown",outcome="unknown_tool"\} 1\b/,
    );
  });

  it('notifies subscribed sessions when status and events change', async () => {
    const { client } = await connect();
    const updated: string[] = [];
    client.setNotificationHandler(ResourceUpdatedNotificationSchema, (n) => {
      updated.push(n.params.uri);
    });
    await client.subscribeResource({ uri: 'vx11://status' });
    await client.subscribeResource({ uri: 'vx11://events/recent' });
    // Closing the switch window changes module states and writes window.closed.
    await t.http().post('/madre/power/window/close').set(t.auth).send({}).expect(200);
    await waitFor(
      () => updated.includes('vx11://status') && updated.includes('vx11://events/recent'),
    );
    const recent = await client.readResource({ uri: 'vx11://events/recent' });
    const page = jsonOf(recent) as {
      events: Array<{ type: string }>;
    };
    expect(page.events.map((e) => e.type)).toContain('window.closed');
  });

  it('refuses malformed exchanges with 4xx in the one error shape, never 5xx', async () => {
    const { transport } = await connect();
    const headers = {
      authorization: `Bearer ${TEST_TOKEN}`,
      'mcp-session-id': transport.sessionId!,
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
    };
    const post = (body: string, extra: Record<string, string> = {}) =>
      fetch(url, { method: 'POST', headers: { ...headers, ...extra }, body });
    const notRpc = await post(JSON.stringify({ hello: 'world' }));
    expect(notRpc.status).toBe(400);
    expect(await notRpc.json()).toMatchObject({ error: 'invalid_jsonrpc' });
    const notJson = await post('{"jsonrpc": ');
    expect(notJson.status).toBe(400);
    const version = await post(JSON.stringify({ jsonrpc: '2.0', id: 9, method: 'tools/list' }), {
      'mcp-protocol-version': '1999-01-01',
    });
    expect(version.status).toBe(400);
    expect(await version.json()).toMatchObject({ error: 'unsupported_protocol_version' });
    const accept = await post(JSON.stringify({ jsonrpc: '2.0', id: 9, method: 'tools/list' }), {
      accept: 'application/json',
    });
    expect(accept.status).toBe(406);
    expect(await accept.json()).toMatchObject({ error: 'not_acceptable' });
    const noSession = await fetch(url, {
      method: 'POST',
      headers: { ...headers, 'mcp-session-id': '' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 9, method: 'tools/list' }),
    });
    expect(noSession.status).toBe(400);
    const unknown = await fetch(url, {
      headers: { ...headers, 'mcp-session-id': 'nope', accept: 'text/event-stream' },
    });
    expect(unknown.status).toBe(404);
  });

  it('ends a session on DELETE: its id is then unknown (404)', async () => {
    const { client, transport } = await connect();
    const sessionId = transport.sessionId!;
    await transport.terminateSession();
    const res = await rawPost(
      { ...bearer, 'mcp-session-id': sessionId },
      { jsonrpc: '2.0', id: 2, method: 'tools/list' },
    );
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ error: 'mcp_session_not_found' });
    await client.close();
  });

  it('ends every MCP session when the mcp window closes', async () => {
    await t.http().post('/madre/power/policy/solo_madre/apply').set(t.auth).expect(200);
    await t
      .http()
      .post('/madre/power/window/open')
      .set(t.auth)
      .send({ services: ['mcp'], mode: 'hold', reason: 'mcp e2e: closing' })
      .expect(200);
    const { client, transport } = await connect();
    const sessionId = transport.sessionId!;
    await call(client, 'vx11_status');
    // A second, raw session with its GET stream open: the stream must end with the session.
    const auth = { authorization: `Bearer ${TEST_TOKEN}` };
    const init = await rawPost({ ...auth, 'x-correlation-id': 'mcp-raw-1' });
    expect(init.status).toBe(200);
    // The SDK's transport writes this response itself: the correlation id still comes back.
    expect(init.headers.get('x-correlation-id')).toBe('mcp-raw-1');
    const rawId = init.headers.get('mcp-session-id')!;
    await init.text();
    const headers = { ...auth, 'mcp-session-id': rawId, 'mcp-protocol-version': '2025-06-18' };
    const initialized = await rawPost(headers, {
      jsonrpc: '2.0',
      method: 'notifications/initialized',
    });
    expect(initialized.status).toBe(202);
    const stream = await fetch(url, { headers: { ...headers, accept: 'text/event-stream' } });
    expect(stream.status).toBe(200);
    const reader = stream.body!.getReader();
    const sessions = t.get(McpSessions);
    expect(sessions.count).toBeGreaterThanOrEqual(2);
    await t.http().post('/madre/power/window/close').set(t.auth).send({}).expect(200);
    expect(sessions.count).toBe(0);
    await waitFor(async () => (await reader.read()).done, 5000);
    await expect(client.listTools()).rejects.toBeDefined();
    // Awake again, the old session is gone for good.
    await t
      .http()
      .post('/madre/power/window/open')
      .set(t.auth)
      .send({ services: ['mcp'], mode: 'hold', reason: 'mcp e2e: after' })
      .expect(200);
    const stale = await rawPost(
      { ...bearer, 'mcp-session-id': sessionId },
      { jsonrpc: '2.0', id: 3, method: 'tools/list' },
    );
    expect(stale.status).toBe(404);
  });
  it('survives close_window through MCP ending the calling session itself', async () => {
    // The mcp window of the previous test is still open.
    const { client } = await connect();
    const settled = client
      .callTool({ name: 'close_window', arguments: {} }, undefined, { timeout: 2000 })
      .then(
        () => 'answered',
        () => 'ended',
      );
    await waitFor(async () => (await state()).window_id === null);
    expect(t.get(McpSessions).count).toBe(0);
    expect(['answered', 'ended']).toContain(await settled);
    const events = await waitFor(async () => {
      const list = await toolEvents();
      return list.some((e) => e.payload.tool === 'close_window') ? list : undefined;
    });
    expect(events!.find((e) => e.payload.tool === 'close_window')!.payload.outcome).toBe('ok');
    const dormant = await rawPost({ authorization: `Bearer ${TEST_TOKEN}` });
    expect(dormant.status).toBe(503);
  });
});

describe('MCP sessions at shutdown', () => {
  it('ends open MCP streams so the server can close', async () => {
    const t = await bootApp();
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = t.app.getHttpServer().address() as AddressInfo;
    await t
      .http()
      .post('/madre/power/window/open')
      .set(t.auth)
      .send({ services: ['mcp'], mode: 'hold', reason: 'shutdown e2e' })
      .expect(200);
    const client = new Client({ name: 'vx11-e2e', version: '1.0.0' });
    const transport = new StreamableHTTPClientTransport(new URL(`http://127.0.0.1:${port}/mcp`), {
      requestInit: { headers: { Authorization: `Bearer ${TEST_TOKEN}` } },
    });
    transport.onerror = () => undefined; // the stream ends under it: expected here
    await client.connect(transport);
    // The client's GET stream is open (it opens after initialize): wait until it counts.
    const sessions = t.get(McpSessions);
    await waitFor(() => sessions.get(transport.sessionId!)?.busy === 1);
    await t.close();
    expect(sessions.count).toBe(0);
    await client.close();
  });
});
