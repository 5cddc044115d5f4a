import { Type } from 'class-transformer';
import {
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsNumber,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  Max,
  Min,
  MinLength,
  ValidateNested,
} from 'class-validator';

export const AUTH_MODES = ['token', 'off'] as const;
export type AuthMode = (typeof AUTH_MODES)[number];
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export class WindowConfig {
  @IsArray()
  @ArrayUnique()
  @IsString({ each: true })
  allowlist: string[];

  @IsInt()
  @Min(1)
  @Max(7 * 24 * 3600)
  maxTtlSec: number;
}

export class RetentionConfig {
  @IsInt() @Min(1) events: number;
  @IsInt() @Min(1) health_history: number;
  @IsInt() @Min(1) power_events: number;
  @IsInt() @Min(1) messages: number;
  @IsInt() @Min(1) backups_archive: number;
  @IsInt() @Min(1) metrics: number;
}

export class ProviderConfig {
  @IsString() @Matches(/^[a-z0-9_.-]{1,64}$/i) name: string;
  @IsIn(['switch', 'madre']) tier: 'switch' | 'madre';
  @IsString() @Matches(/^https?:\/\//) base_url: string;
  @IsString() model: string;
  @IsOptional() @IsString() @Matches(/^[A-Z_][A-Z0-9_]*$/) api_key_env?: string;
  @IsOptional() @IsInt() @Min(100) timeout_ms?: number;
  @IsOptional() @IsInt() priority?: number;
  @IsOptional() @IsInt() @Min(0) daily_token_budget?: number;
  /** Price per 1000 tokens; the budget downgrade prefers the cheapest provider of a tier. */
  @IsOptional() @IsNumber() @Min(0) cost_per_1k_tokens?: number;
  /** Calls in flight at once; more wait switch.concurrencyWaitMs, then the next provider. */
  @IsOptional() @IsInt() @Min(1) @Max(10000) max_concurrency?: number;
}

/** Hormiguero's pressure ant: a finding when a reading goes past one of these. */
export class HormigueroPressureConfig {
  /** Event-loop delay p99 over the scan window, in ms. */
  @IsNumber() @Min(1) lagP99Ms: number;
  /** Resident set size, in MiB. */
  @IsNumber() @Min(1) rssMb: number;
  /** V8 heap in use, in MiB. */
  @IsNumber() @Min(1) heapUsedMb: number;
  /** 1-minute load average divided by the CPU count. */
  @IsNumber() @Min(0.01) loadPerCore: number;
  /** Free space on the data dir's disk, in MiB (a finding below it). */
  @IsNumber() @Min(0) minFreeDiskMb: number;
}

/** Hormiguero's db ant: WAL size and growth between two scans. */
export class HormigueroDbConfig {
  /** A finding when the WAL file is larger than this, in MiB. */
  @IsNumber() @Min(1) walMaxMb: number;
  /** A finding when database + WAL grew more than this since the previous scan, in MiB. */
  @IsNumber() @Min(1) growthMaxMb: number;
}

export const HORMIGUERO_ANTS = ['health', 'db', 'fs_drift', 'pressure', 'logs'] as const;
export type HormigueroAntName = (typeof HORMIGUERO_ANTS)[number];

export class HormigueroConfig {
  /** Seconds between two scans of an ant (fractions allowed, for tests). */
  @IsNumber() @Min(0.05) @Max(86400) scanIntervalSec: number;
  /** Per-ant intervals in seconds overriding scanIntervalSec, e.g. {"fs_drift": 600}. */
  @IsOptional() @IsObject() antIntervalsSec?: Partial<Record<HormigueroAntName, number>>;
  /** Each ant's interval is stretched by a random 0..jitterPct % so ants do not run in step. */
  @IsNumber() @Min(0) @Max(100) jitterPct: number;
  /** Ants the queen schedules (all by default); POST /hormiguero/scan/once may name any. */
  @IsArray() @ArrayUnique() @IsIn(HORMIGUERO_ANTS, { each: true }) ants: HormigueroAntName[];
  /** Extra files or folders the fs_drift ant keeps a sha256 baseline of. */
  @IsArray() @IsString({ each: true }) watchPaths: string[];
  /** Most files the fs_drift ant hashes per scan (the rest are reported as not tracked). */
  @IsInt() @Min(1) @Max(1000000) fsMaxFiles: number;
  /** Consecutive scans of an ant without a finding that resolve its incident. */
  @IsInt() @Min(1) @Max(100) cleanScansToResolve: number;
  /** Lifetime of an action's approval token from POST /hormiguero/actions/preview. */
  @IsInt() @Min(10) @Max(86400) approvalTtlSec: number;
  @ValidateNested() @Type(() => HormigueroPressureConfig) pressure: HormigueroPressureConfig;
  @ValidateNested() @Type(() => HormigueroDbConfig) db: HormigueroDbConfig;
}

/** The human logs (architect, health_monitor, alerts): rotated by VX11 itself. */
export class LogsConfig {
  /** Rotated (compressed) logs older than this are deleted. */
  @IsInt() @Min(1) @Max(3650) keepDays: number;
  /** A log is rotated once it is larger than this (and always at UTC midnight). */
  @IsInt() @Min(1024) maxBytes: number;
}

export const SWITCH_MODES = ['ECO', 'BALANCED', 'HIGH-PERF', 'CRITICAL'] as const;
export type SwitchMode = (typeof SWITCH_MODES)[number];

export class SwitchConfig {
  @IsIn(SWITCH_MODES) defaultMode: SwitchMode;
  /** How long an open provider breaker refuses calls before a half-open trial. */
  @IsInt() @Min(100) breakerCooldownMs: number;
  /** Below this share of its daily budget left, a provider gives way to the tier's cheapest. */
  @IsNumber() @Min(0) @Max(1) downgradeAtRemaining: number;
  /** How long a call waits for a slot of a provider at max_concurrency before moving on. */
  @IsInt() @Min(0) @Max(60000) concurrencyWaitMs: number;
}

export class ChatConfig {
  /** Messages per session per window. */
  @IsInt() @Min(1) rateLimit: number;
  /** Messages per client address per window, whatever session ids it sends. */
  @IsInt() @Min(1) clientRateLimit: number;
  @IsInt() @Min(1) rateWindowSec: number;
  @IsInt() @Min(1) @Max(100000) maxMessageChars: number;
  /** Earlier messages of the session sent to the provider with each new one. */
  @IsInt() @Min(0) @Max(200) contextMessages: number;
  /** …and at most this many characters of them (the oldest are dropped first). */
  @IsInt() @Min(0) @Max(1000000) contextChars: number;
  /** Sent first as the system message of every operator chat ('' for none). */
  @IsString() systemPrompt: string;
}

/** The event ledger and the live feeds (WebSocket /ws, SSE). */
export class EventsConfig {
  /** Largest accepted event payload (its JSON, in bytes); more is 413. */
  @IsInt() @Min(256) @Max(1024 * 1024) payloadLimitBytes: number;
  /** Lifetime of a feed-only token from POST /operator/api/events/sse-token. */
  @IsInt() @Min(1) @Max(3600) sseTokenTtlSec: number;
  /** SSE heartbeat comments and WebSocket protocol pings; a client silent for two is dropped. */
  @IsInt() @Min(1) @Max(300) heartbeatSec: number;
  /** A live client with more unsent bytes than this is too slow and is dropped. */
  @IsInt() @Min(16 * 1024) maxBufferedBytes: number;
  /** Most events written in one ledger transaction (group commit). */
  @IsInt() @Min(1) @Max(10000) maxBatch: number;
  /** POST /events/ingest per client address: events per second, sustained… */
  @IsNumber() @Min(0.01) ingestRatePerSec: number;
  /** …and how many it may post at once before that rate applies (429 past both). */
  @IsInt() @Min(1) ingestBurst: number;
  /** Ingested events waiting for their commit, all clients together; more get 429. */
  @IsInt() @Min(1) ingestMaxPending: number;
}

/** The health monitor (CONTRACT §7): cadence, per-check timeout, restart and resolve rules. */
export class HealthConfig {
  /** Seconds between health cycles (fractions allowed, for tests). */
  @IsNumber() @Min(0.05) @Max(86400) intervalSec: number;
  @IsInt() @Min(10) @Max(120000) checkTimeoutMs: number;
  /** Consecutive failed checks of an active module before it is restarted. */
  @IsInt() @Min(1) @Max(100) failuresBeforeRestart: number;
  /** Consecutive good checks that resolve the module's incident. */
  @IsInt() @Min(1) @Max(100) successesToResolve: number;
  /** Wait after a restart before the next one may happen; doubles up to the max. */
  @IsInt() @Min(0) restartBackoffMs: number;
  @IsInt() @Min(0) restartBackoffMaxMs: number;
  /** tentaculo_link is unhealthy while the event loop's p99 delay exceeds this. */
  @IsInt() @Min(1) eventLoopLagMaxMs: number;
  /** Seconds between architect diagnostics (architect.log). */
  @IsNumber() @Min(0.05) @Max(7 * 86400) architectIntervalSec: number;
}

/** Maintenance runs: backups kept, how long post_task waits, when retention runs unasked. */
export class MaintenanceConfig {
  @IsInt() @Min(1) @Max(1000) keepBackups: number;
  /** How long POST .../post_task waits for the run before answering 202 with the job id. */
  @IsInt() @Min(0) @Max(600000) waitMs: number;
  /** Retention cleanup runs even when not asked once the database is larger than this. */
  @IsInt() @Min(1) retentionOverBytes: number;
  /** Daily run at this UTC time ("HH:MM"), or "off". */
  @Matches(/^(off|([01]\d|2[0-3]):[0-5]\d)$/) nightlyAtUtc: string;
  /**
   * Backups are at least this far apart: post_task within it gets the running or last run's
   * report (marked reused), and a run's backup step reuses a backup younger than this. 0: off.
   */
  @IsInt() @Min(0) @Max(7 * 86400) minBackupIntervalSec: number;
  /** The archived backups' total size; the oldest are deleted past it. */
  @IsInt() @Min(0) archiveMaxBytes: number;
  /** A backup is refused when less than this, or twice the database, is free on its disk. */
  @IsInt() @Min(0) minFreeDiskBytes: number;
}

export class OperatorConfig {
  /** How often the metrics sampler stores its figures. */
  @IsInt() @Min(1) @Max(3600) sampleIntervalSec: number;
}

/**
 * Connection and request timeouts of the HTTP server. Live feeds are not bound by them: a
 * WebSocket leaves HTTP at the upgrade and an SSE request is complete once its headers are in.
 */
export class HttpConfig {
  /** The whole header block must arrive within this (slow headers, idle new connections → 408). */
  @IsInt() @Min(100) @Max(300000) headersTimeoutMs: number;
  /**
   * Headers and body must arrive within this (a trickled body → 408); not the handler's time.
   * Server-wide (Node's requestTimeout): raise it for large uploads over slow links.
   */
  @IsInt() @Min(100) @Max(3600000) requestTimeoutMs: number;
  /** An idle keep-alive connection is closed after this. */
  @IsInt() @Min(100) @Max(600000) keepAliveTimeoutMs: number;
  /**
   * After a request arrives the event loop polls without sleeping until it has had nothing to
   * do for this long (busy-poll.ts); 0 turns it off. Unset: 500 with two or more CPUs, else 0.
   */
  @IsOptional() @IsInt() @Min(0) @Max(100000) busyPollUs?: number;
}

/** Failed-auth limiting per client address (wrong tokens). */
export class AuthFailuresConfig {
  /** Wrong tokens from one address within the window before it is refused (429) and alerted. */
  @IsInt() @Min(1) @Max(1000000) limit: number;
  @IsInt() @Min(1) @Max(86400) windowSec: number;
}

/**
 * Variables a spawner run never gets from a request, allowlisted or not: loader and interpreter
 * hooks (they run code before the program does), PATH and IFS, and VX11's own namespace.
 */
export const ENV_NEVER_PASSED_TO_RUNS =
  /^(LD_\w*|DYLD_\w*|NODE_OPTIONS|NODE_PATH|NODE_REPL_EXTERNAL_MODULE|PYTHON(PATH|STARTUP|HOME|INSPECT|BREAKPOINT)|BASH_ENV|ENV|BASHOPTS|SHELLOPTS|PS4|PERL5OPT|PERL5LIB|PERLLIB|RUBYOPT|RUBYLIB|PATH|IFS|GCONV_PATH|GLIBC_TUNABLES|MALLOC_\w*|HOSTALIASES|LOCALDOMAIN|RES_OPTIONS|REDIS_URL|VX11_\w*)$/;

/** Resource limits a spawner run gets through prlimit(1), when the system has it. */
export class SpawnerLimitsConfig {
  /** RLIMIT_CPU: CPU seconds before the kernel stops the run. */
  @IsOptional() @IsInt() @Min(1) cpuSec?: number;
  /** RLIMIT_AS: address space in bytes (interpreters reserve a lot; leave room). */
  @IsOptional() @IsInt() @Min(16 * 1024 * 1024) addressSpaceBytes?: number;
  /** RLIMIT_FSIZE: largest file a run may write, in bytes. */
  @IsOptional() @IsInt() @Min(1024) fileSizeBytes?: number;
}

/** Spawner (CONTRACT §8): allowlisted programs run with argv only, a TTL and capped output. */
export class SpawnerConfig {
  /** Short name → absolute executable path; a run may only name one of these. */
  @IsObject() programs: Record<string, string>;
  @IsInt() @Min(1) @Max(256) maxConcurrent: number;
  @IsInt() @Min(1) @Max(7 * 24 * 3600) defaultTtlSec: number;
  @IsInt() @Min(1) @Max(7 * 24 * 3600) maxTtlSec: number;
  /** Bytes kept per stream (stdout, stderr); the rest is counted and dropped. */
  @IsInt() @Min(1024) @Max(64 * 1024 * 1024) outputCapBytes: number;
  /** POST /vx11/spawn runs code through an interpreter: off unless the operator opts in. */
  @IsBoolean() allowCode: boolean;
  /** Variables a request's `env` may set (some, like LD_PRELOAD, are never allowed). */
  @IsArray() @ArrayUnique() @IsString({ each: true }) envAllowlist: string[];
  /** Runs' working directories stay under this; null: <dataDir>/spawner-work. */
  @IsOptional() @IsString() @MinLength(1) workRoot?: string | null;
  /** Between SIGTERM and SIGKILL of a run's processes. */
  @IsInt() @Min(0) @Max(60000) killGraceMs: number;
  @ValidateNested() @Type(() => SpawnerLimitsConfig) limits: SpawnerLimitsConfig;
}

/** Madre's intents and plans (CONTRACT §5). */
export class IntentsConfig {
  /** How long a MED/HIGH plan's confirm token is valid; the plan is EXPIRED after it. */
  @IsInt() @Min(10) @Max(86400) confirmTtlSec: number;
  /** Longest intent text. */
  @IsInt() @Min(1) @Max(100000) maxTextChars: number;
  /** Deepest nesting of an intent payload. */
  @IsInt() @Min(1) @Max(32) maxPayloadDepth: number;
  /** Largest intent payload, as JSON bytes. */
  @IsInt() @Min(256) @Max(1048576) maxPayloadBytes: number;
  /** TTL of the windows a plan opens to wake a dormant module (capped by window.maxTtlSec). */
  @IsInt() @Min(1) @Max(7 * 24 * 3600) wakeTtlSec: number;
  /** Longest a single step may run before it fails. */
  @IsInt() @Min(1000) @Max(3600000) stepTimeoutMs: number;
  /** On shutdown, how long the step in flight gets to finish (else it is resumed or interrupted at the next start). */
  @IsInt() @Min(0) @Max(60000) shutdownWaitMs: number;
  /** Ask a madre-tier provider (when one is configured) for a structured plan first. */
  @IsBoolean() llmPlanner: boolean;
  /** How long the madre-tier plan may take before the keyword plan is used. */
  @IsInt() @Min(100) @Max(60000) llmPlanTimeoutMs: number;
}

/** Shub-Niggurath audio analysis: upload limits and its queue worker. */
export class ShubConfig {
  /** Largest upload body (a WAV or a whole batch), in bytes; beyond it the upload is cut off (413). */
  @IsInt() @Min(1024) maxUploadBytes: number;
  /** Most files one POST /shub/batch may carry. */
  @IsInt() @Min(1) @Max(100) maxBatchFiles: number;
  /** Jobs the shub worker analyses at once (analysis is CPU-bound: 1 per spare core). */
  @IsInt() @Min(1) @Max(8) workerConcurrency: number;
}

/** The MCP server at /mcp: its sessions and the size of a tool call's arguments. */
export class McpConfig {
  /** Sessions open at once; an initialize beyond it is refused (429) until one ends. */
  @IsInt() @Min(1) @Max(1000) maxSessions: number;
  /** A session with no request and no open stream for this long is closed. */
  @IsInt() @Min(10) @Max(86400) sessionIdleSec: number;
  /** Largest `arguments` of one tool call, as JSON bytes (more is an MCP invalid-params error). */
  @IsInt() @Min(256) @Max(1048576) maxArgumentBytes: number;
}

/** Manifestator (CONTRACT §8): the declared manifest, the rails' limits and the live checks. */
export class ManifestatorConfig {
  /** The manifest (modules, routes, public routes, event types); relative to the project root. */
  @IsString() @MinLength(1) manifestFile: string;
  /** backups_fresh: the newest verified backup must be younger than this. */
  @IsInt() @Min(60) @Max(30 * 86400) backupMaxAgeSec: number;
  /** Longest one gate may take before it is reported failed (timeout). */
  @IsInt() @Min(100) @Max(60000) gateTimeoutMs: number;
  /** While active, drift, rails and scorecard are re-measured this often (metrics, maintenance). */
  @IsInt() @Min(5) @Max(86400) checkIntervalSec: number;
  /** The scorecard's autonomy window: restarts and failures counted over this past span. */
  @IsInt() @Min(60) @Max(90 * 86400) autonomyWindowSec: number;
}

/** The validated, effective configuration. Built once at start by loadConfig(). */
export class AppConfig {
  @IsString() @MinLength(1) host: string;
  @IsInt() @Min(0) @Max(65535) port: number;
  @IsString() @MinLength(1) dataDir: string;
  @IsString() @MinLength(1) logsDir: string;
  @IsIn(AUTH_MODES) authMode: AuthMode;
  /** Set from VX11_TOKEN or the generated token file; never from config/ files. */
  @IsOptional() @IsString() @MinLength(16) token?: string;
  @IsString() @Matches(/^rediss?:\/\/.+/) redisUrl: string;
  /** Key prefix of every BullMQ queue; lets several VX11s (or test runs) share one Redis. */
  @IsString() @Matches(/^[A-Za-z0-9_-]{1,32}$/) queuePrefix: string;
  @IsIn(LOG_LEVELS) logLevel: LogLevel;
  @IsInt() @Min(1024) bodyLimitBytes: number;
  @IsBoolean() metricsPublic: boolean;
  @IsInt() @Min(100) shutdownTimeoutMs: number;
  @IsObject() legacyPorts: Record<string, number | number[]>;
  @ValidateNested() @Type(() => WindowConfig) window: WindowConfig;
  @IsString() defaultPolicy: string;
  @IsObject() policies: Record<string, string[]>;
  @ValidateNested() @Type(() => RetentionConfig) retentionDays: RetentionConfig;
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => ProviderConfig)
  providers: ProviderConfig[];
  /**
   * Extra variables an engine registered at runtime may name as its API key (besides the config
   * providers' own and VX11_PROVIDER_KEY_*). VX11's own variables are refused.
   */
  @IsArray()
  @IsString({ each: true })
  @Matches(/^[A-Z_][A-Z0-9_]*$/, { each: true })
  providerKeyEnvs: string[];
  @ValidateNested() @Type(() => HormigueroConfig) hormiguero: HormigueroConfig;
  @ValidateNested() @Type(() => LogsConfig) logs: LogsConfig;
  @ValidateNested() @Type(() => SwitchConfig) switch: SwitchConfig;
  @ValidateNested() @Type(() => ChatConfig) chat: ChatConfig;
  @ValidateNested() @Type(() => OperatorConfig) operator: OperatorConfig;
  @ValidateNested() @Type(() => EventsConfig) events: EventsConfig;
  @ValidateNested() @Type(() => HealthConfig) health: HealthConfig;
  @ValidateNested() @Type(() => MaintenanceConfig) maintenance: MaintenanceConfig;
  @ValidateNested() @Type(() => HttpConfig) http: HttpConfig;
  @ValidateNested() @Type(() => AuthFailuresConfig) authFailures: AuthFailuresConfig;
  @ValidateNested() @Type(() => SpawnerConfig) spawner: SpawnerConfig;
  @ValidateNested() @Type(() => ShubConfig) shub: ShubConfig;
  @ValidateNested() @Type(() => IntentsConfig) intents: IntentsConfig;
  @ValidateNested() @Type(() => ManifestatorConfig) manifestator: ManifestatorConfig;
  @ValidateNested() @Type(() => McpConfig) mcp: McpConfig;
}
