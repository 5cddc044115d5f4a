import { Logger } from '@nestjs/common';
import { McpError } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import type { AppConfig } from '../../core/config/app-config';
import { currentCorrelationId } from '../../core/correlation/correlation';
import { ApiError } from '../../core/errors/api-error';
import { EventBus, VxEvent } from '../../core/events/event-bus.service';
import type { ModuleRegistry } from '../../core/registry/module-registry.service';
import { InvalidToolArguments } from './mcp-errors';
import type { McpMetrics, ToolOutcome } from './mcp-metrics';
import { McpToolsService } from './mcp-tools.service';
import { defineTool, McpTool, ToolGroup } from './tools/mcp-tool';
import { CoreErrors } from '../../core/errors/core-errors';

const ctx = { correlationId: 'corr-1', sessionId: 'session-1', clientAddress: '127.0.0.1' };

function rig(active: Record<string, boolean> = {}) {
  const events: VxEvent[] = [];
  const bus = new EventBus();
  bus.subscribe((e) => void events.push(e));
  const counted: Array<[string, ToolOutcome]> = [];
  const metrics = {
    toolCalled: (tool: string, outcome: ToolOutcome) => counted.push([tool, outcome]),
  } as unknown as McpMetrics;
  const registry = {
    isActive: (name: string) => active[name] ?? true,
    state: (name: string) => (active[name] === false ? 'off' : 'active'),
  } as unknown as ModuleRegistry;
  const config = { mcp: { maxArgumentBytes: 200 } } as AppConfig;
  let seenCorrelation: string | undefined;
  const tools: McpTool[] = [
    defineTool({
      name: 'echo',
      title: 'Echo',
      description: 'Answers its text',
      module: null,
      readOnly: true,
      input: z.object({ text: z.string(), token: z.string().optional() }).strict(),
      run: async (args) => {
        seenCorrelation = currentCorrelationId();
        if (args.text === 'refuse')
          throw new ApiError(CoreErrors.conflict, 'Refused', undefined, { x: 1 });
        if (args.text === 'bad') throw new InvalidToolArguments('text', 'text is bad');
        if (args.text === 'boom') throw new Error('secret internals');
        return { echoed: args.text };
      },
    }),
    defineTool({
      name: 'spawn',
      title: 'Spawn',
      description: 'Needs spawner',
      module: 'spawner',
      readOnly: false,
      input: z.object({}).strict(),
      run: async () => ({ started: true }),
    }),
  ];
  const group: ToolGroup = { tools: () => tools };
  const none: ToolGroup = { tools: () => [] };
  const service = new McpToolsService(
    config,
    registry,
    bus,
    metrics,
    group as never,
    none as never,
    none as never,
    none as never,
    none as never,
    none as never,
    none as never,
    none as never,
    none as never,
  );
  return { service, events, counted, correlation: () => seenCorrelation };
}

const payloads = (events: VxEvent[]) =>
  events.filter((e) => e.type === 'mcp.tool.called').map((e) => e.payload);

describe('McpToolsService', () => {
  beforeAll(() => Logger.overrideLogger(false));

  it('lists every tool with a JSON schema of its arguments', () => {
    const { service } = rig();
    const echo = service.list().find((t) => t.name === 'echo')!;
    expect(echo.inputSchema).toMatchObject({
      type: 'object',
      properties: { text: { type: 'string' } },
      required: ['text'],
      additionalProperties: false,
    });
    expect(echo.annotations).toMatchObject({ readOnlyHint: true });
  });

  it('runs a call under its correlation id and records it (secrets redacted) and counts it', async () => {
    const { service, events, counted, correlation } = rig();
    const result = await service.call('echo', { text: 'hi', token: 'abc' }, ctx);
    expect(result.isError).toBeUndefined();
    expect(result.structuredContent).toEqual({ echoed: 'hi' });
    expect(correlation()).toBe('corr-1');
    expect(payloads(events)).toEqual([
      expect.objectContaining({
        tool: 'echo',
        outcome: 'ok',
        arguments: { text: 'hi', token: '[redacted]' },
        session_id: 'session-1',
        correlation_id: 'corr-1',
      }),
    ]);
    expect(events[0].correlation_id).toBe('corr-1');
    expect(counted).toEqual([['echo', 'ok']]);
  });

  it('answers bad input with invalid-params MCP errors naming the problem', async () => {
    const { service, events, counted } = rig();
    await expect(service.call('nope', {}, ctx)).rejects.toMatchObject({
      code: -32602,
      message: expect.stringContaining('Unknown tool "nope"'),
    });
    await expect(service.call('echo', { text: 5 }, ctx)).rejects.toMatchObject({
      code: -32602,
      message: expect.stringContaining('text: Expected string, received number'),
    });
    await expect(service.call('echo', { text: 'x'.repeat(300) }, ctx)).rejects.toMatchObject({
      code: -32602,
      message: expect.stringContaining('the limit is 200'),
    });
    await expect(service.call('echo', { text: 'bad' }, ctx)).rejects.toBeInstanceOf(McpError);
    expect(counted.map(([tool, outcome]) => `${tool}:${outcome}`)).toEqual([
      'unknown:unknown_tool',
      'echo:invalid_arguments',
      'echo:too_large',
      'echo:invalid_arguments',
    ]);
    expect(payloads(events).map((p) => p.outcome)).toEqual([
      'unknown_tool',
      'invalid_arguments',
      'too_large',
      'invalid_arguments',
    ]);
  });

  it('answers a tool of a dormant module with a tool error naming the window to open', async () => {
    const { service, counted } = rig({ spawner: false });
    const result = await service.call('spawn', {}, ctx);
    expect(result.isError).toBe(true);
    expect(result.structuredContent).toMatchObject({
      error: 'module_dormant',
      module: 'spawner',
      state: 'off',
    });
    expect((result.content[0] as { text: string }).text).toMatch(
      /^Module spawner is off: .*open_window with \{"services":\["spawner"\]/,
    );
    expect(counted).toEqual([['spawn', 'dormant']]);
  });

  it("turns a service's refusal into a tool error and hides unexpected failures' details", async () => {
    const { service, events } = rig();
    const refused = await service.call('echo', { text: 'refuse' }, ctx);
    expect(refused).toMatchObject({
      isError: true,
      structuredContent: { error: 'conflict', status_code: 409, message: 'Refused', x: 1 },
    });
    const failed = await service.call('echo', { text: 'boom' }, ctx);
    expect(failed.isError).toBe(true);
    expect(failed.structuredContent).toMatchObject({ error: 'internal_error' });
    expect(JSON.stringify(failed)).not.toContain('secret internals');
    expect(payloads(events).map((p) => [p.outcome, p.error])).toEqual([
      ['error', 'conflict'],
      ['error', 'internal_error'],
    ]);
  });
});
