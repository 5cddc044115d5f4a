import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TOKEN_FILE_NAME } from '../src/core/auth/token-file';
import { ChildApp, childEnv, deleteQueueKeys, PROJECT_DIR, spawnApp } from './support/child-app';
import { assertCliBuilt, CLI_JS } from './support/cli';

/**
 * `vx11 mcp`: the SDK's stdio client launches the bridge, which finds the running server through
 * the data dir (its lock names the port) and its token in the data dir's token file.
 */
describe('vx11 mcp: the stdio bridge to a running server', () => {
  let dir: string;
  let app: ChildApp;
  let base: string;
  let token: string;
  let bridgeLog = '';

  /** The bridge's environment: the server's data dir, no VX11_TOKEN (it reads the file). */
  const bridgeEnv = (): Record<string, string> => {
    const env: Record<string, string> = {};
    for (const [key, value] of Object.entries(app.env)) {
      if (value !== undefined && key !== 'VX11_TOKEN') env[key] = value;
    }
    return env;
  };
  const launch = async () => {
    const client = new Client({ name: 'vx11-stdio-e2e', version: '1.0.0' });
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: [CLI_JS, 'mcp'],
      cwd: PROJECT_DIR,
      env: bridgeEnv(),
      stderr: 'pipe',
    });
    transport.stderr?.on('data', (chunk: Buffer) => {
      bridgeLog += chunk.toString('utf8');
    });
    return { client, transport };
  };
  const power = (path: string, body: object) =>
    fetch(`${base}${path}`, {
      method: 'POST',
      headers: { 'x-vx11-token': token, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });

  beforeAll(async () => {
    assertCliBuilt();
    dir = mkdtempSync(join(tmpdir(), 'vx11-mcp-stdio-'));
    app = spawnApp(childEnv(dir));
    const port = await app.waitForListening();
    base = `http://127.0.0.1:${port}`;
    token = readFileSync(join(dir, 'data', TOKEN_FILE_NAME), 'utf8').trim();
  });
  afterAll(async () => {
    await app?.stop();
    await deleteQueueKeys(app.env.REDIS_URL!, app.env.VX11_QUEUE_PREFIX!);
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers initialize with an MCP error naming the refusal while mcp is dormant', async () => {
    const { client, transport } = await launch();
    await expect(client.connect(transport)).rejects.toThrow(
      /503: Module mcp is off.*module_dormant/,
    );
    await client.close().catch(() => undefined);
  });

  it('lists the tools and calls vx11_status through the running server', async () => {
    const opened = await power('/madre/power/window/open', {
      services: ['mcp'],
      mode: 'hold',
      reason: 'stdio bridge e2e',
    });
    expect(opened.status).toBe(200);
    const { client, transport } = await launch();
    await client.connect(transport);
    expect(client.getServerVersion()).toMatchObject({ name: 'vx11' });
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name)).toEqual(
      expect.arrayContaining(['vx11_status', 'open_window', 'chat', 'query_events']),
    );
    const status = (await client.callTool({
      name: 'vx11_status',
      arguments: {},
    })) as CallToolResult;
    expect(status.isError).toBeFalsy();
    expect(status.structuredContent).toMatchObject({
      status: expect.stringMatching(/^(ok|degraded)$/),
      modules: expect.objectContaining({ mcp: 'active' }),
    });
    const { resources } = await client.listResources();
    expect(resources.map((r) => r.uri)).toContain('vx11://status');
    await client.close();
    expect(bridgeLog).toContain('bridging stdio to');
    expect(bridgeLog).not.toContain(token);
  });
});
