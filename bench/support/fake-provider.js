'use strict';

/**
 * The benches' fake OpenAI-compatible provider, run as its own process
 * (`node bench/support/fake-provider.js`): raw node:http answering
 * `POST /v1/chat/completions` at once — a fixed small completion with usage, or with
 * `"stream": true` the same answer as server-sent events (a role chunk, three content chunks, a
 * finish chunk with usage, `data: [DONE]`), all written at once. `GET /calls` says how many
 * completions it answered. Prints `{"msg":"fake provider listening on http://127.0.0.1:PORT",
 * "port":PORT}` on stderr once listening; SIGTERM/SIGINT stop it.
 */

const http = require('node:http');

const HOST = '127.0.0.1';
const ANSWER = ['Hello', ' from the bench', ' provider.'];
const USAGE = { prompt_tokens: 5, completion_tokens: 7, total_tokens: 12 };

function runFakeProvider() {
  let calls = 0;
  const completion = (model) =>
    JSON.stringify({
      id: `cmpl-${calls}`,
      object: 'chat.completion',
      created: Math.floor(Date.now() / 1000),
      model,
      choices: [
        {
          index: 0,
          message: { role: 'assistant', content: ANSWER.join('') },
          finish_reason: 'stop',
        },
      ],
      usage: USAGE,
    });
  const streamed = (model) => {
    const base = { id: `cmpl-${calls}`, object: 'chat.completion.chunk', created: 0, model };
    base.created = Math.floor(Date.now() / 1000);
    const chunk = (delta, finish = null, extra = {}) =>
      `data: ${JSON.stringify({ ...base, choices: [{ index: 0, delta, finish_reason: finish }], ...extra })}\n\n`;
    return (
      chunk({ role: 'assistant', content: '' }) +
      ANSWER.map((content) => chunk({ content })).join('') +
      chunk({}, 'stop', { usage: USAGE }) +
      'data: [DONE]\n\n'
    );
  };
  const send = (res, status, text, type = 'application/json') => {
    res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(text) });
    res.end(text);
  };

  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (chunk) => chunks.push(chunk));
    req.on('end', () => {
      if (req.method === 'GET' && req.url === '/calls') {
        return send(res, 200, JSON.stringify({ calls }));
      }
      if (req.method !== 'POST' || req.url !== '/v1/chat/completions') {
        return send(res, 404, JSON.stringify({ error: { message: 'not found' } }));
      }
      let request;
      try {
        request = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        request = undefined;
      }
      if (!request || !Array.isArray(request.messages) || request.messages.length === 0) {
        return send(res, 400, JSON.stringify({ error: { message: 'messages[] is required' } }));
      }
      calls += 1;
      const model = typeof request.model === 'string' ? request.model : 'fake';
      if (request.stream === true) {
        // One write: what a provider that has the whole answer at once sends.
        res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
        res.end(streamed(model));
        return;
      }
      send(res, 200, completion(model));
    });
  });
  // Longer than any client's idle keep-alive, so no request races a server-side close.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  server.listen(0, HOST, () => {
    const { port } = server.address();
    const msg = `fake provider listening on http://${HOST}:${port}`;
    console.error(JSON.stringify({ level: 'info', msg, port }));
  });
  server.on('error', (err) => {
    console.error(`fake provider failed: ${err.message}`);
    process.exit(1);
  });
  let closing = false;
  const stop = () => {
    if (closing) return;
    closing = true;
    server.closeAllConnections();
    server.close(() => process.exit(0));
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

if (require.main === module) runFakeProvider();

const PROVIDER_NAME = 'bench-fake';
const PROVIDER_MODEL = 'bench-fake-model';

/**
 * VX11's config file for a bench: the fake provider listening on `port` as the only switch-tier
 * provider, and the chat rate limits out of the way.
 */
function vx11BenchConfig(port) {
  return {
    providers: [
      {
        name: PROVIDER_NAME,
        tier: 'switch',
        base_url: `http://${HOST}:${port}/v1`,
        model: PROVIDER_MODEL,
      },
    ],
    chat: { rateLimit: 1_000_000, clientRateLimit: 1_000_000, rateWindowSec: 60 },
  };
}

module.exports = {
  FAKE_PROVIDER: module.filename,
  ANSWER,
  PROVIDER_NAME,
  PROVIDER_MODEL,
  vx11BenchConfig,
};
