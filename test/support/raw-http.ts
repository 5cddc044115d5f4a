import { Agent, IncomingHttpHeaders, IncomingMessage, request } from 'node:http';
import { connect, Socket } from 'node:net';

export interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
}

/** One GET over node:http (optionally on a keep-alive agent), collecting the whole body. */
/** Reads a whole response body as text. */
function collect(
  res: IncomingMessage,
  resolve: (response: RawResponse) => void,
  reject: (err: Error) => void,
): void {
  let text = '';
  res.setEncoding('utf8');
  res.on('data', (chunk: string) => (text += chunk));
  res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text }));
  res.on('error', reject);
}

export function rawGet(
  port: number,
  path: string,
  headers: Record<string, string> = {},
  agent?: Agent,
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method: 'GET', headers, agent }, (res) =>
      collect(res, resolve, reject),
    );
    req.on('error', reject);
    req.end();
  });
}

export interface SlowRequest {
  /** Resolves once the server has read the headers (it answered `100 Continue`). */
  accepted: Promise<void>;
  /** Resolves with the complete response; rejects if the connection is reset. */
  response: Promise<RawResponse>;
  /** True once a response has started arriving. */
  responded(): boolean;
  /** Sends the rest of the body and ends the request. */
  finish(): void;
}

/**
 * A request whose body is still being streamed: it announces `Content-Length` for all of
 * `body`, waits for the server's `100 Continue` (proof the request is in the server's hands),
 * writes the first `firstBytes` bytes and holds the rest until finish().
 */
export function slowRequest(
  port: number,
  method: string,
  path: string,
  body: string,
  firstBytes: number,
  headers: Record<string, string> = {},
): SlowRequest {
  const bytes = Buffer.from(body, 'utf8');
  let started = false;
  const req = request({
    host: '127.0.0.1',
    port,
    path,
    method,
    agent: false,
    headers: {
      'content-type': 'application/json',
      'content-length': String(bytes.length),
      expect: '100-continue',
      ...headers,
    },
  });
  const accepted = new Promise<void>((resolve, reject) => {
    req.once('continue', () => {
      req.write(bytes.subarray(0, firstBytes));
      resolve();
    });
    req.once('error', reject);
    req.once('response', (res) =>
      reject(new Error(`answered ${res.statusCode} before 100 Continue: the body was not awaited`)),
    );
  });
  const response = new Promise<RawResponse>((resolve, reject) => {
    req.once('response', (res) => {
      started = true;
      collect(res, resolve, reject);
    });
    req.on('error', reject);
  });
  accepted.catch(() => undefined); // surfaced through `response`
  req.flushHeaders();
  return {
    accepted,
    response,
    responded: () => started,
    finish: () => {
      req.end(bytes.subarray(firstBytes));
    },
  };
}

/** One HTTP/1.1 response read off a raw socket. */
export interface ParsedResponse {
  status: number;
  /** Header names lower-cased; a repeated header keeps its last value. */
  headers: Record<string, string>;
  body: string;
}

/** The response at the start of `buf`, if all of it (headers and Content-Length body) is in. */
function parseResponse(buf: Buffer): { response: ParsedResponse; length: number } | undefined {
  const end = buf.indexOf('\r\n\r\n');
  if (end < 0) return undefined;
  const [statusLine, ...lines] = buf.subarray(0, end).toString('latin1').split('\r\n');
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  const status = Number(statusLine.split(' ')[1]);
  if (headers['transfer-encoding'] === 'chunked') {
    // enough for the empty bodies Node writes itself; VX11's own answers carry Content-Length
    const tail = buf.indexOf('0\r\n\r\n', end + 4);
    if (tail < 0) return undefined;
    return {
      response: { status, headers, body: buf.subarray(end + 4, tail).toString('utf8') },
      length: tail + 5,
    };
  }
  const size = Number(headers['content-length'] ?? 0);
  if (buf.length < end + 4 + size) return undefined;
  return {
    response: { status, headers, body: buf.subarray(end + 4, end + 4 + size).toString('utf8') },
    length: end + 4 + size,
  };
}

/**
 * A bare TCP connection for requests no HTTP client will send (bad framing, no Host, slow
 * headers, trickled bodies): write bytes, read responses, watch for the server closing it.
 */
export class RawConnection {
  private buffer = Buffer.alloc(0);
  private closedFlag = false;
  private readonly waiters = new Set<() => void>();
  readonly socket: Socket;
  readonly ready: Promise<void>;

  constructor(port: number, localAddress?: string) {
    this.socket = connect({ host: '127.0.0.1', port, localAddress });
    this.ready = new Promise((resolve, reject) => {
      this.socket.once('connect', () => resolve());
      this.socket.once('error', reject);
    });
    this.socket.on('data', (chunk: Buffer) => {
      this.buffer = Buffer.concat([this.buffer, chunk]);
      this.wake();
    });
    this.socket.on('error', () => undefined); // a reset shows as `closed`
    this.socket.on('close', () => {
      this.closedFlag = true;
      this.wake();
    });
  }

  static async open(port: number, localAddress?: string): Promise<RawConnection> {
    const conn = new RawConnection(port, localAddress);
    await conn.ready;
    return conn;
  }

  get closed(): boolean {
    return this.closedFlag;
  }

  write(data: string | Buffer): void {
    if (!this.socket.destroyed) this.socket.write(data);
  }

  /** The next complete response; rejects if the connection closes first or after `timeoutMs`. */
  response(timeoutMs = 5000): Promise<ParsedResponse> {
    return this.until(
      () => {
        const parsed = parseResponse(this.buffer);
        if (!parsed) return undefined;
        this.buffer = this.buffer.subarray(parsed.length);
        return parsed.response;
      },
      timeoutMs,
      'a response',
    );
  }

  /** Resolves once the server has closed the connection; rejects after `timeoutMs`. */
  whenClosed(timeoutMs = 5000): Promise<true> {
    return this.until(() => (this.closedFlag ? true : undefined), timeoutMs, 'the close', true);
  }

  destroy(): void {
    this.socket.destroy();
  }

  private wake(): void {
    for (const waiter of [...this.waiters]) waiter();
  }

  private until<T>(
    take: () => T | undefined,
    timeoutMs: number,
    what: string,
    closeIsFine = false,
  ): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const check = () => {
        const value = take();
        if (value !== undefined) return finish(() => resolve(value));
        if (this.closedFlag && !closeIsFine) {
          finish(() =>
            reject(new Error(`closed before ${what}; got: ${this.buffer.toString('latin1')}`)),
          );
        }
      };
      const timer = setTimeout(
        () => finish(() => reject(new Error(`no ${what} within ${timeoutMs} ms`))),
        timeoutMs,
      );
      const finish = (settle: () => void) => {
        clearTimeout(timer);
        this.waiters.delete(check);
        settle();
      };
      this.waiters.add(check);
      check();
    });
  }
}

/** Sends `request` on a fresh connection and reads one response. */
export async function rawExchange(
  port: number,
  request: string | Buffer,
  options: { localAddress?: string; timeoutMs?: number } = {},
): Promise<ParsedResponse> {
  const conn = await RawConnection.open(port, options.localAddress);
  try {
    conn.write(request);
    return await conn.response(options.timeoutMs);
  } finally {
    conn.destroy();
  }
}
