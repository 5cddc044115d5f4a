import {
  StreamableHTTPClientTransport,
  StreamableHTTPError,
} from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import {
  InitializeResultSchema,
  isJSONRPCRequest,
  isJSONRPCResultResponse,
  type JSONRPCMessage,
} from '@modelcontextprotocol/sdk/types.js';
import { CliContext, CliError, operatorToken } from '../cli-context';
import { dataDirUser } from '../server-client';

/** JSON-RPC error code the bridge answers with when VX11 cannot be reached or refuses. */
const BRIDGE_ERROR = -32000;

/** stdout carries the protocol only: everything the bridge has to say goes to stderr. */
function log(message: string): void {
  process.stderr.write(`vx11 mcp: ${message}\n`);
}

/** `--url http://host:port` (or VX11_MCP_URL): where VX11 listens; else the data dir says. */
function urlOption(args: string[]): string | undefined {
  const i = args.indexOf('--url');
  if (i >= 0) {
    const value = args[i + 1];
    if (!value) throw new CliError('--url needs a value, e.g. --url http://127.0.0.1:8000', 2);
    return value;
  }
  const inline = args.find((a) => a.startsWith('--url='));
  if (inline) return inline.slice('--url='.length);
  return process.env.VX11_MCP_URL || undefined;
}

/** The /mcp endpoint: the URL given, else the server holding this data dir's lock. */
async function endpoint(ctx: CliContext, args: string[]): Promise<URL> {
  const given = urlOption(args);
  let base: string;
  if (given) {
    base = given;
  } else {
    const user = await dataDirUser(ctx);
    if (user?.kind !== 'server') {
      throw new CliError(
        `no VX11 server is running on ${ctx.config.dataDir}: start it, set VX11_DATA_DIR, or pass --url`,
      );
    }
    const { host, port } = user.holder;
    const address = !host || ['0.0.0.0', '::'].includes(host) ? '127.0.0.1' : host;
    base = `http://${address.includes(':') ? `[${address}]` : address}:${port}`;
  }
  let url: URL;
  try {
    url = new URL(base);
  } catch {
    throw new CliError(`not a URL: ${base}`, 2);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new CliError(`the URL must be http:// or https://, got ${url.protocol}`, 2);
  }
  if (url.pathname === '/' || url.pathname === '') url.pathname = '/mcp';
  return url;
}

/** What VX11 said, from an HTTP error of the client transport (its error body's message). */
function describe(err: unknown): string {
  if (err instanceof StreamableHTTPError) {
    const body = /\{.*\}/s.exec(err.message)?.[0];
    try {
      const parsed = body ? (JSON.parse(body) as { message?: string; error?: string }) : null;
      if (parsed?.message) {
        return `VX11 answered ${err.code}: ${parsed.message}${parsed.error ? ` (${parsed.error})` : ''}`;
      }
    } catch {
      /* not the error shape */
    }
    return `VX11 answered ${err.code}`;
  }
  return (err as Error)?.message ?? String(err);
}

/**
 * `vx11 mcp`: a stdio MCP server for clients that only launch local commands (Claude Desktop,
 * VS Code...). Every JSON-RPC message from stdin goes to the running VX11's /mcp over HTTP (the
 * SDK's Streamable HTTP client, with the operator token), and every message from VX11 comes
 * back on stdout. A request VX11 refuses (401, 503 while mcp is dormant...) gets a JSON-RPC
 * error naming why. Ends when stdin closes, ending the HTTP session too.
 */
export async function mcpCommand(ctx: CliContext, args: string[]): Promise<number> {
  const url = await endpoint(ctx, args);
  const token = operatorToken(ctx);
  const remote = new StreamableHTTPClientTransport(url, {
    requestInit: token ? { headers: { Authorization: `Bearer ${token}` } } : {},
  });
  const local = new StdioServerTransport();
  const initializeIds = new Set<string | number>();

  let finish: (code: number) => void = () => {};
  const finished = new Promise<number>((resolve) => (finish = resolve));
  let closing = false;
  const close = async (code: number) => {
    if (closing) return;
    closing = true;
    try {
      if (remote.sessionId) await remote.terminateSession();
    } catch (err) {
      log(`ending the session: ${describe(err)}`);
    }
    await remote.close().catch(() => undefined);
    await local.close().catch(() => undefined);
    finish(code);
  };

  remote.onmessage = (message: JSONRPCMessage) => {
    if (isJSONRPCResultResponse(message) && initializeIds.delete(message.id)) {
      const init = InitializeResultSchema.safeParse(message.result);
      if (init.success) remote.setProtocolVersion(init.data.protocolVersion);
    }
    local.send(message).catch((err: unknown) => log(`writing to stdout: ${describe(err)}`));
  };
  remote.onerror = (err) => log(describe(err));

  local.onmessage = (message: JSONRPCMessage) => {
    if (isJSONRPCRequest(message) && message.method === 'initialize') {
      initializeIds.add(message.id);
    }
    remote.send(message).catch((err: unknown) => {
      const reason = describe(err);
      log(reason);
      if (isJSONRPCRequest(message)) {
        void local.send({
          jsonrpc: '2.0',
          id: message.id,
          error: { code: BRIDGE_ERROR, message: `${reason} (${url.href})` },
        });
      }
    });
  };
  local.onerror = (err) => log(`stdin: ${describe(err)}`);
  local.onclose = () => void close(0);
  process.stdin.once('end', () => void close(0));
  process.once('SIGTERM', () => void close(0));
  process.once('SIGINT', () => void close(0));

  await remote.start();
  await local.start();
  log(`bridging stdio to ${url.href}`);
  return finished;
}
