import { Logger } from '@nestjs/common';
import { EventEmitter } from 'node:events';
import type { ServerResponse } from 'node:http';
import type { AppConfig } from '../../core/config/app-config';
import { ApiError } from '../../core/errors/api-error';
import { EventBus } from '../../core/events/event-bus.service';
import type { McpMetrics, SessionEndReason } from './mcp-metrics';
import { McpResourcesService } from './mcp-resources.service';
import { McpSessions } from './mcp-sessions.service';
import type { McpToolsService } from './mcp-tools.service';

function rig(maxSessions = 2, sessionIdleSec = 60) {
  const ended: SessionEndReason[] = [];
  const gauge: number[] = [];
  const metrics = {
    setSessions: (n: number) => gauge.push(n),
    sessionEnded: (reason: SessionEndReason) => ended.push(reason),
    notified: () => undefined,
  } as unknown as McpMetrics;
  const tools = {
    list: () => [],
    call: async () => ({ content: [] }),
  } as unknown as McpToolsService;
  const resources = new McpResourcesService(
    new EventBus(),
    {} as never,
    {} as never,
    {} as never,
    {} as never,
    metrics,
  );
  const config = { mcp: { maxSessions, sessionIdleSec, maxArgumentBytes: 1024 } } as AppConfig;
  const sessions = new McpSessions(config, tools, resources, metrics);
  return { sessions, ended, gauge };
}

/** A session whose initialize went through (the transport then holds its id). */
const initialized = <T extends { transport: object; id: string }>(session: T): T => {
  Object.defineProperty(session.transport, 'sessionId', { value: session.id });
  return session;
};

describe('McpSessions', () => {
  beforeAll(() => Logger.overrideLogger(false));

  it('refuses a session beyond mcp.maxSessions with 429, and any while not open with 503', async () => {
    const { sessions } = rig(2);
    await expect(sessions.create('127.0.0.1')).rejects.toMatchObject({
      status: 503,
      code: 'module_dormant',
    });
    sessions.open();
    await sessions.create('127.0.0.1');
    await sessions.create('127.0.0.1');
    const refused = await sessions.create('127.0.0.1').catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ApiError);
    expect(refused).toMatchObject({ status: 429, code: 'mcp_sessions_full' });
    expect((refused as ApiError).headers).toEqual({ 'retry-after': '5' });
    await sessions.closeAll('module_deactivated');
  });

  it('drops a session whose initialize failed and frees its slot', async () => {
    const { sessions, ended } = rig(1);
    sessions.open();
    const session = await sessions.create('127.0.0.1');
    expect(sessions.get(session.id)).toBeUndefined(); // not initialized: not addressable
    sessions.settleInitialize(session);
    expect(sessions.count).toBe(0);
    expect(ended).toEqual([]); // never a session: not counted as one that ended
    await sessions.create('127.0.0.1');
    await sessions.closeAll('module_deactivated');
  });

  it('ends idle sessions but not one with an open exchange', async () => {
    const { sessions, ended } = rig(5, 60);
    sessions.open();
    const idle = initialized(await sessions.create('127.0.0.1'));
    const streaming = initialized(await sessions.create('127.0.0.1'));
    const res = new EventEmitter() as unknown as ServerResponse;
    sessions.track(streaming, res);
    const later = Date.now() + 61_000;
    sessions.sweep(later);
    await new Promise((r) => setImmediate(r));
    expect(sessions.get(idle.id)).toBeUndefined();
    expect(sessions.get(streaming.id)).toBe(streaming);
    expect(ended).toEqual(['idle']);
    (res as unknown as EventEmitter).emit('close'); // the stream ended: now it may go idle
    sessions.sweep(Date.now() + 61_000);
    expect(sessions.count).toBe(0);
    expect(ended).toEqual(['idle', 'idle']);
    await sessions.closeAll('module_deactivated');
  });

  it('ends every session on closeAll, bounded, and stops accepting', async () => {
    const { sessions, ended, gauge } = rig(5);
    sessions.open();
    const a = initialized(await sessions.create('127.0.0.1'));
    const b = initialized(await sessions.create('127.0.0.1'));
    expect(await sessions.closeAll('module_deactivated')).toBe(2);
    expect(a.ended && b.ended).toBe(true);
    expect(sessions.count).toBe(0);
    expect(gauge.at(-1)).toBe(0);
    expect(ended).toEqual(['module_deactivated', 'module_deactivated']);
    expect(sessions.sweeping).toBe(false);
    await expect(sessions.create('127.0.0.1')).rejects.toMatchObject({ status: 503 });
  });
});
