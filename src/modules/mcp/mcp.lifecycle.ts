import { BeforeApplicationShutdown, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { HealthReport, ModuleLifecycle } from '../../core/registry/lifecycle';
import { ModuleRegistry } from '../../core/registry/module-registry.service';
import { McpResourcesService } from './mcp-resources.service';
import { McpSessions, SESSION_CLOSE_TIMEOUT_MS } from './mcp-sessions.service';

/**
 * mcp owns its sessions: activation accepts new ones and starts the idle sweep and the
 * resource watch; deactivation (window closed, policy, shutdown) ends every session — each
 * close bounded — so no MCP client keeps talking to a dormant module.
 */
@Injectable()
export class McpLifecycle implements ModuleLifecycle, OnModuleInit, BeforeApplicationShutdown {
  readonly name = 'mcp';
  readonly stepTimeoutMs = SESSION_CLOSE_TIMEOUT_MS + 3000;
  private readonly logger = new Logger('Mcp');

  constructor(
    private readonly registry: ModuleRegistry,
    private readonly sessions: McpSessions,
    private readonly resources: McpResourcesService,
  ) {}

  onModuleInit(): void {
    this.registry.attach(this);
  }

  /**
   * Open MCP streams would hold the HTTP server's close (as the SSE feeds would): they end
   * before it closes, ahead of the power manager's own shutdown of the module.
   */
  async beforeApplicationShutdown(): Promise<void> {
    const ended = await this.sessions.closeAll('server_shutdown');
    if (ended > 0) this.logger.log(`shutdown: ended ${ended} MCP session(s)`);
  }

  async activate(): Promise<void> {
    this.sessions.open();
    this.resources.start();
  }

  async deactivate(): Promise<void> {
    const ended = await this.sessions.closeAll('module_deactivated');
    this.resources.stop();
    if (ended > 0) this.logger.log(`deactivated: ended ${ended} MCP session(s)`);
  }

  async health(): Promise<HealthReport> {
    const data = { sessions: this.sessions.count };
    if (!this.sessions.isOpen) return { ok: false, detail: 'not accepting sessions', data };
    if (!this.sessions.sweeping) return { ok: false, detail: 'idle sweep not running', data };
    return { ok: true, detail: `${data.sessions} MCP session(s) open`, data };
  }
}
