import { Agent, IncomingHttpHeaders, IncomingMessage, request } from 'node:http';

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
