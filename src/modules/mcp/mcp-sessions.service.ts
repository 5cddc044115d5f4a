import { Injectable, Logger } from '@nestjs/common';
import type { Server } from '@modelcontextprotocol/sdk/server/index.js';
import type { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { AppConfig } from '../../core/config/app-config';
import { ApiError } from '../../core/errors/api-error';
import { guarded } from '../../core/util/guarded';
import { withTimeout } from '../../core/util/with-timeout';
import { McpMetrics, SessionEndReason } from './mcp-metrics';
import { McpResourcesService } from './mcp-resources.service';
import { mcpTransportSdk } from './mcp-sdk';
import { createMcpServer } from './mcp-server';
import { McpToolsService } from './mcp-tools.service';
import { CoreErrors } from '../../core/errors/core-errors';
import { McpErrors } from './mcp-errors';

/** Longest one session's close may take while the module goes dormant. */
export const SESSION_CLOSE_TIMEOUT_MS = 2000;
/** What a client refused for lack of session slots is told to wait. */
const FULL_RETRY_AFTER_SEC = 5;

export class McpSession {
  /** Open HTTP exchanges (the GET stream, POSTs in progress): a busy session is not idle. */
  busy = 0;
  lastSeen = Date.now();
  ended = false;
  readonly createdAt = new Date().toISOString();

  constructor(
    readonly id: string,
    readonly clientAddress: string,
    readonly server: Server,
    readonly transport: StreamableHTTPServerTransport,
  ) {}

  /** Whether initialize went through (the transport then knows its session id). */
  get initialized(): boolean {
    return this.transport.sessionId !== undefined;
  }
}

/**
 * The MCP sessions of /mcp: at most mcp.maxSessions, each ended after mcp.sessionIdleSec with
 * no request and no open stream, all ended (bounded) when the module goes dormant.
 */
@Injectable()
export class McpSessions {
  private readonly logger = new Logger('McpSessions');
  private readonly sessions = new Map<string, McpSession>();
  private accepting = false;
  private sweeper: NodeJS.Timeout | undefined;

  constructor(
    private readonly config: AppConfig,
    private readonly tools: McpToolsService,
    private readonly resources: McpResourcesService,
    private readonly metrics: McpMetrics,
  ) {}

  get count(): number {
    return this.sessions.size;
  }

  get isOpen(): boolean {
    return this.accepting;
  }

  get sweeping(): boolean {
    return this.sweeper !== undefined;
  }

  open(): void {
    this.accepting = true;
    if (this.sweeper) return;
    const idleMs = this.config.mcp.sessionIdleSec * 1000;
    this.sweeper = setInterval(
      guarded('MCP idle sweep', () => this.sweep(Date.now()), { logger: this.logger }),
      Math.max(1000, Math.min(30_000, Math.floor(idleMs / 4))),
    );
    this.sweeper.unref();
  }

  /** Ends every session (each bounded) and refuses new ones; resolves with how many ended. */
  async closeAll(reason: SessionEndReason): Promise<number> {
    this.accepting = false;
    clearInterval(this.sweeper);
    this.sweeper = undefined;
    const all = [...this.sessions.values()];
    await Promise.all(all.map((session) => this.end(session, reason)));
    return all.length;
  }

  get(id: string): McpSession | undefined {
    const session = this.sessions.get(id);
    return session && session.initialized && !session.ended ? session : undefined;
  }

  /** A new session for an initialize request; 429 when every slot is taken. */
  async create(clientAddress: string): Promise<McpSession> {
    if (!this.accepting) {
      throw new ApiError(CoreErrors.module_dormant, 'Module mcp is not active', undefined, {
        module: 'mcp',
      });
    }
    const max = this.config.mcp.maxSessions;
    if (this.sessions.size >= max) {
      throw new ApiError(
        McpErrors.mcp_sessions_full,
        `${max} MCP sessions are open (mcp.maxSessions); end one (DELETE /mcp) or retry later`,
        undefined,
        { retry_after: FULL_RETRY_AFTER_SEC, max_sessions: max },
        { 'retry-after': String(FULL_RETRY_AFTER_SEC) },
      );
    }
    const id = randomUUID();
    const identity = { id, clientAddress };
    const server = createMcpServer(identity, this.tools, this.resources);
    const holder: { session?: McpSession } = {};
    const { StreamableHTTPServerTransport } = mcpTransportSdk();
    const transport: StreamableHTTPServerTransport = new StreamableHTTPServerTransport({
      sessionIdGenerator: () => id,
      onsessionclosed: async (): Promise<void> => {
        if (holder.session) await this.end(holder.session, 'client_closed');
      },
    });
    const created = new McpSession(id, clientAddress, server, transport);
    holder.session = created;
    server.onclose = () => void this.end(created, 'transport_closed');
    server.onerror = (err) => this.logger.debug(`session ${id}: ${err.message}`);
    // Reserved before initialize completes, so concurrent initializes cannot pass the limit.
    this.sessions.set(id, created);
    this.metrics.setSessions(this.sessions.size);
    await server.connect(transport);
    return created;
  }

  /** An HTTP exchange of the session starts; it counts as activity until its response ends. */
  track(session: McpSession, res: ServerResponse): void {
    session.busy += 1;
    session.lastSeen = Date.now();
    res.once('close', () => {
      session.busy -= 1;
      session.lastSeen = Date.now();
    });
  }

  /** After the initialize exchange: a session whose initialize failed is dropped at once. */
  settleInitialize(session: McpSession): void {
    if (!session.initialized) void this.end(session, 'transport_closed', false);
  }

  async end(session: McpSession, reason: SessionEndReason, counted = true): Promise<void> {
    if (session.ended) return;
    session.ended = true;
    this.sessions.delete(session.id);
    this.resources.forget(session.id);
    this.metrics.setSessions(this.sessions.size);
    if (counted) this.metrics.sessionEnded(reason);
    try {
      await withTimeout(session.server.close(), SESSION_CLOSE_TIMEOUT_MS, `MCP session close`);
    } catch (err) {
      this.logger.warn(`session ${session.id} did not close cleanly: ${(err as Error).message}`);
    }
  }

  sweep(now: number): void {
    const idleMs = this.config.mcp.sessionIdleSec * 1000;
    for (const session of [...this.sessions.values()]) {
      const quiet = now - session.lastSeen;
      if (session.busy === 0 && quiet > idleMs) void this.end(session, 'idle');
    }
  }
}
