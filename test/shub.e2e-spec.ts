import {
  createReadStream,
  mkdtempSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { request as httpRequest, IncomingMessage } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { QueueName } from '../src/core/queue/queue-names';
import { QueueService } from '../src/core/queue/queue.service';
import { sineSegments } from '../src/modules/shubniggurath/dsp/test-signals';
import {
  EncodeFormat,
  encodeFrames,
  wavHeader,
} from '../src/modules/shubniggurath/dsp/wav-encoder';
import { ShubJobStore } from '../src/modules/shubniggurath/shub-job.store';
import { ShubniggurathLifecycle } from '../src/modules/shubniggurath/shubniggurath.lifecycle';
import { configFileEnv } from './support/config-file';
import { OwnedRedis } from './support/redis-harness';
import { bootApp, TestApp, waitFor } from './support/test-app';

type Job = Record<string, unknown> & {
  job_id: string;
  status: string;
  result: Record<string, Record<string, unknown>> | null;
  advice: Array<{ action: string; reason: string; next_step: string }> | null;
};

const MIB = 1024 * 1024;
const GIB = 1024 * MIB;
/** The spec's upload limit: small enough that cutting off a streamed 1 GiB is quick. */
const LIMIT = 48 * MIB;
const FINAL = ['completed', 'failed', 'cancelled'];

interface Sent {
  status: number;
  headers: IncomingMessage['headers'];
  body: Record<string, unknown>;
  /** Body bytes the client had handed to the socket when the answer came. */
  sent: number;
}

describe('shubniggurath (audio analysis on the shub queue)', () => {
  let t: TestApp;
  let redis: OwnedRedis;
  let port: number;
  let dir: string;
  let cleanup: () => void;
  let tone: string; // 20 s stereo 1 kHz at −23 dBFS, 48 kHz 24-bit
  let long: string; // 150 s of stereo 440 Hz, −18/−30 dBFS by turns, 48 kHz 16-bit (a while to analyse)

  const openWindow = () =>
    t
      .http()
      .post('/madre/power/window/open')
      .set(t.auth)
      .send({ service: 'shubniggurath', mode: 'hold', reason: 'shub e2e' })
      .expect((res) => expect([200, 201]).toContain(res.status));
  const closeWindow = () =>
    t.http().post('/madre/power/window/close').set(t.auth).send({}).expect(200);
  const getJob = async (id: string): Promise<Job> =>
    (await t.http().get(`/shub/jobs/${id}`).set(t.auth).expect(200)).body as Job;
  const ended = (id: string, timeoutMs = 15000): Promise<Job> =>
    waitFor(async () => {
      const job = await getJob(id);
      return FINAL.includes(job.status) ? job : undefined;
    }, timeoutMs) as Promise<Job>;
  /** Waits for the worker to take the job up; it must then be processing (not already ended). */
  const started = async (id: string) => {
    const job = (await waitFor(
      async () => {
        const current = await getJob(id);
        return current.status !== 'queued' ? current : undefined;
      },
      10000,
      5,
    )) as Job;
    expect(job.status).toBe('processing');
  };
  const tempFiles = () => readdirSync(join(t.config.dataDir, 'shub', 'tmp'));

  function writeWav(name: string, planar: Float64Array[], format: EncodeFormat): string {
    const data = encodeFrames(planar, planar[0].length, format);
    const path = join(dir, name);
    writeFileSync(path, Buffer.concat([wavHeader(format, data.length), data]));
    return path;
  }

  /**
   * POSTs a body over node:http: a file (streamed from disk), a buffer, or a generator of
   * chunks written as fast as the socket takes them until the server answers.
   */
  function post(
    path: string,
    body:
      { file: string } | { bytes: Buffer } | { chunks: () => Iterator<Buffer>; length?: number },
    headers: Record<string, string> = {},
  ): Promise<Sent> {
    return new Promise((resolve, reject) => {
      let sent = 0;
      let answered = false;
      const length =
        'file' in body
          ? statSync(body.file).size
          : 'bytes' in body
            ? body.bytes.length
            : body.length;
      const req = httpRequest({
        host: '127.0.0.1',
        port,
        path,
        method: 'POST',
        agent: false,
        headers: {
          ...t.auth,
          'content-type': 'audio/wav',
          ...(length !== undefined ? { 'content-length': String(length) } : {}),
          ...headers,
        },
      });
      req.on('response', (res) => {
        answered = true;
        const at = sent;
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: JSON.parse(text || '{}'),
            sent: at,
          }),
        );
      });
      req.on('error', (err) => {
        if (!answered) reject(err);
      });
      if ('file' in body) {
        createReadStream(body.file)
          .on('data', (c) => (sent += c.length))
          .pipe(req);
      } else if ('bytes' in body) {
        sent = body.bytes.length;
        req.end(body.bytes);
      } else {
        const chunks = body.chunks();
        const pump = () => {
          while (!answered && !req.destroyed) {
            const next = chunks.next();
            if (next.done) return void req.end();
            sent += next.value.length;
            if (!req.write(next.value)) return void req.once('drain', pump);
          }
        };
        pump();
      }
    });
  }

  /** 1 GiB of zeros after a valid WAV header, 1 MiB at a time, made as it is sent. */
  function* oneGibOfWav(): Iterator<Buffer> {
    const chunk = Buffer.alloc(MIB);
    const header = wavHeader(
      { encoding: 'int', bitsPerSample: 16, sampleRate: 48000, channels: 2 },
      GIB - 44,
    );
    yield Buffer.concat([header, chunk.subarray(header.length)]);
    for (let i = 1; i < 1024; i++) yield chunk;
  }

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'shub-e2e-'));
    redis = await OwnedRedis.start();
    const file = configFileEnv({ shub: { maxUploadBytes: LIMIT } });
    cleanup = file.cleanup;
    t = await bootApp({ ...file.env, REDIS_URL: redis.url });
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    port = (t.app.getHttpServer().address() as { port: number }).port;
    tone = writeWav('tone.wav', sineSegments(48000, [{ dbfs: -23, seconds: 20 }]), {
      encoding: 'int',
      bitsPerSample: 24,
      sampleRate: 48000,
      channels: 2,
    });
    const steps = Array.from({ length: 15 }, (_, i) => ({ dbfs: i % 2 ? -30 : -18, seconds: 10 }));
    long = writeWav('long.wav', sineSegments(48000, steps, { frequency: 440 }), {
      encoding: 'int',
      bitsPerSample: 16,
      sampleRate: 48000,
      channels: 2,
    });
  });
  afterAll(async () => {
    await redis?.restart().catch(() => undefined);
    await t?.close();
    await redis?.kill();
    cleanup?.();
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers 503 module_dormant while shub is dormant, before reading the upload', async () => {
    const res = await post('/shub/analyze', { file: tone });
    expect(res.status).toBe(503);
    expect(res.body).toMatchObject({ error: 'module_dormant', module: 'shubniggurath' });
    expect(res.headers.connection).toBe('close');
    await openWindow();
  });

  it('analyses a raw audio/wav upload streamed from a file: EBU −23 dBFS tone → −23.0 LUFS', async () => {
    const res = await post('/shub/analyze?name=tone.wav', { file: tone });
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({
      status: 'queued',
      file_name: 'tone.wav',
      style: 'modern_pop',
      target_lufs: -14,
      audio: {
        encoding: 'pcm_int',
        bits_per_sample: 24,
        sample_rate: 48000,
        channels: 2,
        duration_sec: 20,
      },
    });
    const job = await ended(res.body.job_id as string);
    expect(job.status).toBe('completed');
    const loudness = job.result!.loudness as Record<string, number>;
    expect(Math.abs(loudness.integrated_lufs - -23)).toBeLessThanOrEqual(0.1);
    expect(Math.abs(loudness.true_peak_dbtp - -23)).toBeLessThanOrEqual(0.2);
    expect(loudness.loudness_range_lu).toBeCloseTo(0, 1);
    expect(job.result!.spectrum.centroid_hz).toBeGreaterThan(950);
    expect(job.advice!.map((a) => a.action)).toEqual(['gain']);
    expect(job.advice![0].next_step).toBe('Apply +9.0 dB of gain');
    expect(tempFiles()).toEqual([]); // the upload is removed once the job ends

    type Event = { type: string; canonical: boolean; payload: Record<string, unknown> };
    const events = (await waitFor(async () => {
      const list = (
        await t.http().get('/operator/api/events?type=shub.*&limit=100').set(t.auth).expect(200)
      ).body.events as Array<{
        type: string;
        canonical: boolean;
        payload: Record<string, unknown>;
      }>;
      const mine = list.filter((e) => e.payload.job_id === job.job_id);
      return mine.some((e) => e.type === 'shub.action.narrated') ? mine.reverse() : undefined;
    })) as Event[];
    expect(events.map((e) => e.type)).toEqual([
      'shub.job.queued',
      'shub.job.started',
      'shub.job.completed',
      'shub.action.narrated',
    ]);
    expect(events[3]).toMatchObject({
      canonical: true,
      payload: { action: 'gain', next_step: 'Apply +9.0 dB of gain' },
    });
  });

  it('takes the multipart field "file" with a style, and a batch of files as one job each', async () => {
    const single = await t
      .http()
      .post('/shub/analyze')
      .set(t.auth)
      .field('style', 'rock')
      .attach('file', tone)
      .expect(202);
    expect(single.body).toMatchObject({ file_name: 'tone.wav', style: 'rock', target_lufs: -12 });

    const quiet = writeWav('quiet.wav', sineSegments(44100, [{ dbfs: -33, seconds: 10 }]), {
      encoding: 'float',
      bitsPerSample: 32,
      sampleRate: 44100,
      channels: 2,
    });
    const batch = await t
      .http()
      .post('/shub/batch?target_lufs=-16')
      .set(t.auth)
      .attach('file', tone)
      .attach('file', quiet)
      .expect(202);
    expect(batch.body.jobs).toHaveLength(2);
    expect(batch.body.jobs[1]).toMatchObject({
      batch_id: batch.body.batch_id,
      target_lufs: -16,
      style: null,
    });

    const done = await Promise.all(
      [single.body.job_id, ...batch.body.jobs.map((j: Job) => j.job_id)].map((id) => ended(id)),
    );
    expect(done.map((j) => j.status)).toEqual(['completed', 'completed', 'completed']);
    expect(done[2].result!.loudness.integrated_lufs).toBeCloseTo(-33, 1);
    expect(done[2].result!.format).toMatchObject({ encoding: 'pcm_float', sample_rate: 44100 });
    const listed = await t
      .http()
      .get(`/shub/jobs?batch_id=${batch.body.batch_id}`)
      .set(t.auth)
      .expect(200);
    expect(listed.body.total).toBe(2);
  });

  it('refuses a declared 1 GiB upload with 413 before reading its body', async () => {
    const res = await post('/shub/analyze', { chunks: oneGibOfWav, length: GIB });
    expect(res.status).toBe(413);
    expect(res.body).toMatchObject({ error: 'payload_too_large', limit_bytes: LIMIT });
    expect(res.sent).toBeLessThan(LIMIT); // answered from the headers
    expect(tempFiles()).toEqual([]);
  });

  it('cuts off a streamed 1 GiB upload (no Content-Length) with 413 once it passes the limit', async () => {
    const res = await post(
      '/shub/analyze',
      { chunks: oneGibOfWav },
      { 'transfer-encoding': 'chunked' },
    );
    expect(res.status).toBe(413);
    expect(res.body.message).toMatch(/cut off/);
    expect(res.headers.connection).toBe('close');
    // the limit plus what sat in the socket buffers: nowhere near the gigabyte
    expect(res.sent).toBeGreaterThan(LIMIT);
    expect(res.sent).toBeLessThan(LIMIT + 64 * MIB);
    expect(tempFiles()).toEqual([]);
  });

  it('answers 422 for a truncated WAV and 415 for MP3 bytes named .wav', async () => {
    const whole = Buffer.concat([
      wavHeader({ encoding: 'int', bitsPerSample: 16, sampleRate: 44100, channels: 2 }, 400000),
      Buffer.alloc(100000),
    ]);
    const truncated = await post('/shub/analyze', { bytes: whole });
    expect(truncated.status).toBe(422);
    expect(truncated.body).toMatchObject({ error: 'invalid_wav', problem: 'truncated' });
    expect(truncated.body.message).toMatch(
      /declares 400000 bytes of audio but only 100000 arrived/,
    );

    const mp3 = Buffer.concat([Buffer.from('ID3\x04\0\0\0\0\0\x21'), Buffer.alloc(4096, 0xfb)]);
    const named = await t
      .http()
      .post('/shub/analyze')
      .set(t.auth)
      .attach('file', mp3, 'song.wav')
      .expect(415);
    expect(named.body).toMatchObject({ error: 'unsupported_media_type', found: 'MP3 (ID3 tag)' });
    expect(named.body.message).toMatch(/MP3/);
    expect(tempFiles()).toEqual([]);
  });

  it('cancels a queued job at once and stops a long job in progress; the worker goes on', async () => {
    const res = await post('/shub/analyze', { file: long });
    expect(res.status).toBe(202);
    const id = res.body.job_id as string;
    await started(id);
    // one worker slot, taken: this one waits in the queue
    const blip = Buffer.concat([
      wavHeader({ encoding: 'int', bitsPerSample: 16, sampleRate: 8000, channels: 1 }, 8000),
      Buffer.alloc(8000),
    ]);
    const queued = await post('/shub/analyze', { bytes: blip });
    const waiting = await t
      .http()
      .post(`/shub/jobs/${queued.body.job_id}/cancel`)
      .set(t.auth)
      .expect(200);
    expect(waiting.body).toMatchObject({ status: 'cancelled', error: 'cancelled while queued' });

    const cancelled = await t.http().post(`/shub/jobs/${id}/cancel`).set(t.auth).expect(200);
    expect(cancelled.body).toMatchObject({ status: 'cancelled', result: null });
    expect(cancelled.body.error).toMatch(/^cancelled while processing \(\d+ % analysed\)$/);
    expect(tempFiles()).toEqual([]);
    const again = await t.http().post(`/shub/jobs/${id}/cancel`).set(t.auth).expect(409);
    expect(again.body).toMatchObject({ error: 'job_finished', status: 'cancelled' });

    const next = await post('/shub/analyze', { file: tone });
    expect((await ended(next.body.job_id as string)).status).toBe('completed');
  });

  it('leaves jobs queued while dormant (a job in progress goes back) and processes them when woken', async () => {
    const first = await post('/shub/analyze', { file: long });
    const second = await post('/shub/analyze', { file: tone });
    const [longId, toneId] = [first.body.job_id as string, second.body.job_id as string];
    await started(longId);
    await closeWindow();

    const lifecycle = t.get(ShubniggurathLifecycle);
    expect(lifecycle.workerRunning).toBe(false);
    const store = t.get(ShubJobStore);
    expect((await store.find(longId))?.status).toBe('queued'); // interrupted: back in the queue
    expect((await store.find(toneId))?.status).toBe('queued');
    const queue = t.get(QueueService).queue(QueueName.Shub);
    expect(await queue.getWaitingCount()).toBeGreaterThanOrEqual(2);
    const dormant = await t.http().get(`/shub/jobs/${toneId}`).set(t.auth).expect(503);
    expect(dormant.body.error).toBe('module_dormant');

    await openWindow();
    const [a, b] = await Promise.all([ended(longId, 20000), ended(toneId, 20000)]);
    expect([a.status, b.status]).toEqual(['completed', 'completed']);
    expect(a.attempts).toBe(2);
    expect(typeof (a.result!.loudness as Record<string, number>).integrated_lufs).toBe('number');
    expect(tempFiles()).toEqual([]);
  });

  it('refuses uploads with 503 queue_unavailable while Redis is down, before reading them', async () => {
    await redis.kill();
    await waitFor(
      async () => (await t.http().get('/vx11/status').expect(200)).body.redis.status === 'down',
    );
    const res = await post('/shub/analyze', { file: tone });
    expect(res.status).toBe(503);
    expect(res.body).toMatchObject({ error: 'queue_unavailable', retry_after: 5 });
    expect(res.headers['retry-after']).toBe('5');
    expect(res.headers.connection).toBe('close');
    expect(tempFiles()).toEqual([]);
  });
});
