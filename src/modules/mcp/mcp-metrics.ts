import { Injectable } from '@nestjs/common';
import { Counter, Gauge, Histogram } from 'prom-client';
import { MetricsService } from '../../core/metrics/metrics.service';

/** How a tool call ended. */
export const TOOL_OUTCOMES = [
  'ok',
  'error',
  'dormant',
  'invalid_arguments',
  'unknown_tool',
  'too_large',
] as const;
export type ToolOutcome = (typeof TOOL_OUTCOMES)[number];

/** Why a session ended. */
export const SESSION_END_REASONS = [
  'client_closed',
  'idle',
  'module_deactivated',
  'server_shutdown',
  'transport_closed',
] as const;
export type SessionEndReason = (typeof SESSION_END_REASONS)[number];

/** MCP tool calls by tool and outcome, their durations, open sessions and why sessions ended. */
@Injectable()
export class McpMetrics {
  private readonly calls: Counter<'tool' | 'outcome'>;
  private readonly duration: Histogram<'tool'>;
  private readonly sessions: Gauge;
  private readonly ended: Counter<'reason'>;
  private readonly notifications: Counter<'uri'>;

  constructor(metrics: MetricsService) {
    const registers = [metrics.registry];
    this.calls = new Counter({
      name: 'vx11_mcp_tool_calls_total',
      help: 'MCP tool calls, by tool and outcome',
      labelNames: ['tool', 'outcome'],
      registers,
    });
    this.duration = new Histogram({
      name: 'vx11_mcp_tool_call_duration_seconds',
      help: 'Time an MCP tool call took, by tool',
      labelNames: ['tool'],
      buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 60],
      registers,
    });
    this.sessions = new Gauge({
      name: 'vx11_mcp_sessions',
      help: 'MCP sessions open now',
      registers,
    });
    this.ended = new Counter({
      name: 'vx11_mcp_sessions_ended_total',
      help: 'MCP sessions that ended, by reason',
      labelNames: ['reason'],
      registers,
    });
    this.notifications = new Counter({
      name: 'vx11_mcp_resource_notifications_total',
      help: 'notifications/resources/updated sent to subscribed sessions, by resource',
      labelNames: ['uri'],
      registers,
    });
    this.sessions.set(0);
    for (const reason of SESSION_END_REASONS) this.ended.inc({ reason }, 0);
  }

  toolCalled(tool: string, outcome: ToolOutcome, seconds: number): void {
    this.calls.inc({ tool, outcome });
    this.duration.observe({ tool }, seconds);
  }

  setSessions(count: number): void {
    this.sessions.set(count);
  }

  sessionEnded(reason: SessionEndReason): void {
    this.ended.inc({ reason });
  }

  notified(uri: string): void {
    this.notifications.inc({ uri });
  }
}
