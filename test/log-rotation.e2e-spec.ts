import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { formatHumanLine, HumanLogService } from '../src/core/logging/human-log.service';
import { archiveStamp } from '../src/core/logging/log-rotation';
import { configFileEnv } from './support/config-file';
import { bootApp, TestApp } from './support/test-app';

const DAY_MS = 24 * 3600 * 1000;

/** Every line of a human log and its archives (gunzipped), with the file each came from. */
function allLines(logsDir: string, log: string): Array<{ line: string; file: string }> {
  const out: Array<{ line: string; file: string }> = [];
  for (const name of readdirSync(logsDir)) {
    if (name !== `${log}.log` && !name.startsWith(`${log}.log.`)) continue;
    if (name.endsWith('.tmp')) throw new Error(`leftover temp file ${name}`);
    const raw = readFileSync(join(logsDir, name));
    const text = name.endsWith('.gz') ? gunzipSync(raw).toString('utf8') : raw.toString('utf8');
    for (const line of text.split('\n')) if (line) out.push({ line, file: name });
  }
  return out;
}

describe('human log rotation (daily, by size, kept logs.keepDays, gzip, no line lost)', () => {
  let t: TestApp;
  let dir: string;
  let cleanup: () => void;
  let logsDir: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'vx11-logrot-'));
    logsDir = join(dir, 'logs');
    mkdirSync(logsDir, { recursive: true });
    // left by a run of yesterday: the first write of today rotates it (daily)
    const yesterday = new Date(Date.now() - DAY_MS);
    writeFileSync(
      join(logsDir, 'architect.log'),
      formatHumanLine('OLD', 'a line of yesterday', yesterday),
    );
    // archives: one past logs.keepDays (3), one within it
    const old = new Date(Date.now() - 10 * DAY_MS);
    const recent = new Date(Date.now() - DAY_MS);
    const archived = (at: Date) => gzipSync(formatHumanLine('OLD', 'an archived line', at));
    writeFileSync(join(logsDir, `alerts.log.${archiveStamp(old)}.gz`), archived(old));
    writeFileSync(join(logsDir, `alerts.log.${archiveStamp(recent)}.gz`), archived(recent));
    const cfg = configFileEnv({ logs: { keepDays: 3, maxBytes: 4096 } });
    cleanup = cfg.cleanup;
    t = await bootApp(cfg.env, dir);
  });

  afterAll(async () => {
    await t?.close();
    cleanup?.();
    rmSync(dir, { recursive: true, force: true });
  });

  it('rotates a log holding lines of an earlier day at the first write of the day', async () => {
    const humanLog = t.get(HumanLogService);
    humanLog.write('architect', 'TODAY', 'first line of today');
    await humanLog.idle();
    const lines = allLines(logsDir, 'architect');
    const old = lines.find((l) => l.line.includes('a line of yesterday'));
    expect(old?.file).toMatch(/^architect\.log\.\d{4}-.*\.gz$/);
    const live = readFileSync(join(logsDir, 'architect.log'), 'utf8');
    expect(live).not.toContain('a line of yesterday');
  });

  it('deletes archives older than logs.keepDays and keeps the others', () => {
    const humanLog = t.get(HumanLogService);
    const { deleted } = humanLog.housekeep();
    expect(deleted.map((a) => a.log)).toEqual(['alerts']);
    const names = readdirSync(logsDir).filter((n) => n.startsWith('alerts.log.'));
    expect(names).toHaveLength(1);
    expect(Date.now() - Date.parse(humanLog.archives()[0].rotated_at)).toBeLessThan(3 * DAY_MS);
  });

  it('under 4 concurrent writers every line written is in exactly one file afterwards', async () => {
    const humanLog = t.get(HumanLogService);
    const WRITERS = 4;
    const LINES = 1500;
    const logs = ['alerts', 'alerts', 'health_monitor', 'architect'] as const;
    let done = 0;
    const writer = async (w: number) => {
      for (let i = 0; i < LINES; i++) {
        humanLog.write(logs[w], 'ROTATION TEST', `writer ${w} line ${i} ${'·'.repeat(i % 40)}`);
        if (i % 7 === w) await new Promise<void>((r) => setImmediate(r));
      }
      done += 1;
    };
    // meanwhile the operator's rotate_logs and the timer's housekeeping run too
    const rotator = async () => {
      while (done < WRITERS) {
        humanLog.rotate();
        humanLog.housekeep();
        await new Promise<void>((r) => setTimeout(r, 3));
      }
    };
    await Promise.all([...Array.from({ length: WRITERS }, (_, w) => writer(w)), rotator()]);
    await t.close(); // ends the live streams and waits for every compression
    const archives = readdirSync(logsDir).filter((n) => n.endsWith('.gz'));
    expect(archives.length).toBeGreaterThan(20); // rotated by size and on request, many times

    for (const log of new Set(logs)) {
      const lines = allLines(logsDir, log);
      const seen = new Map<string, number>();
      for (const { line } of lines) {
        const m = /writer (\d) line (\d+) /.exec(line);
        if (m) seen.set(`${m[1]}:${m[2]}`, (seen.get(`${m[1]}:${m[2]}`) ?? 0) + 1);
      }
      const mine = [...logs.entries()].filter(([, l]) => l === log).map(([w]) => w);
      for (const w of mine) {
        for (let i = 0; i < LINES; i++) expect(seen.get(`${w}:${i}`)).toBe(1);
      }
      // every line is whole (no torn or interleaved writes) and no line appears twice
      const texts = lines.map((l) => l.line);
      expect(new Set(texts).size).toBe(texts.length);
      for (const text of texts) expect(text).toMatch(/^\[\d{4}-\d\d-\d\dT[\d:.]+Z\] [A-Z ]+: /);
    }
  });
});
