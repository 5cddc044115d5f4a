'use strict';

/**
 * Shub-Niggurath analysis benchmark: how fast the whole analysis (BS.1770-4 loudness with
 * gating, EBU LRA, 4× true peak, levels, clipping, DC, noise floor, DR, FFT spectrum) runs over
 * a WAV file streamed from disk, and whether its memory stays flat in the file's length.
 *
 * Uses the compiled analyser from dist/ (built first when it is missing). Generates, in a
 * throw-away dir, a 3-minute stereo 44.1 kHz 24-bit file of music-like signal (tones from 60 Hz
 * to 12 kHz under a slow envelope, plus noise), and a 1-minute one, writing them block by block.
 * Each file is then analysed once as a job would (analyzeWavFile: 16 Ki-frame blocks read from
 * disk) in a fresh child process (so no generator garbage counts), timing wall and CPU time
 * (JIT warm-up included) and sampling the RSS every 10 ms.
 *
 *   realtime_factor = audio seconds / wall seconds of the 3-minute analysis
 *   rss_mb          = peak RSS of the process analysing the 3-minute file
 *   rss_growth_mb   = that peak minus the 1-minute file's (≈ 0 when memory is flat)
 *
 * Goals (printed, not asserted): at least 100× real time on a 2-core machine; memory flat in
 * the file's length. The last stdout line is one JSON object:
 *   {"bench":"shub","realtime_factor":…,"rss_mb":…,…}
 */

const { spawnSync } = require('node:child_process');
const {
  closeSync,
  existsSync,
  mkdtempSync,
  openSync,
  readSync,
  rmSync,
  writeSync,
} = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');
const { performance } = require('node:perf_hooks');
const { DIST, ROOT, say } = require('./support/child-server');
const { round } = require('./support/measure');

const DSP = join(DIST, 'src', 'modules', 'shubniggurath', 'dsp');
const SAMPLE_RATE = 44100;
const LONG_SEC = 180;
const SHORT_SEC = 60;
const GOAL_REALTIME_FACTOR = 100;
const FORMAT = { encoding: 'int', bitsPerSample: 24, sampleRate: SAMPLE_RATE, channels: 2 };

function ensureAnalyserBuilt() {
  if (existsSync(join(DSP, 'audio-analyzer.js'))) return;
  say('dist/ has no shub analyser: running npm run build');
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const build = spawnSync(npm, ['run', 'build'], { cwd: ROOT, stdio: ['ignore', 2, 2] });
  if (build.status !== 0 || !existsSync(join(DSP, 'audio-analyzer.js'))) {
    throw new Error(`npm run build failed (exit ${build.status})`);
  }
}

/** Writes `seconds` of the music-like signal as a WAV, 10 s at a time (never whole in memory). */
function writeSignal(path, seconds, { musicLike }, { wavHeader, encodeFrames }) {
  const frames = seconds * SAMPLE_RATE;
  const fd = openSync(path, 'w');
  try {
    writeSync(fd, wavHeader(FORMAT, frames * 6));
    for (let at = 0; at < seconds; at += 10) {
      const block = musicLike(SAMPLE_RATE, Math.min(10, seconds - at), 2, 7 + at);
      writeSync(fd, encodeFrames(block, block[0].length, FORMAT));
    }
  } finally {
    closeSync(fd);
  }
}

/** In the child: analyses a file as a job does; prints wall/CPU seconds, peak RSS, figures. */
async function analyseHere(path) {
  const { analyzeWavFile } = require(join(DSP, 'audio-analyzer.js'));
  const { WavHeaderParser } = require(join(DSP, 'wav-header-parser.js'));
  const fd = openSync(path, 'r');
  const head = Buffer.alloc(64);
  readSync(fd, head, 0, 64, 0);
  closeSync(fd);
  const parser = new WavHeaderParser();
  parser.push(head);
  const format = parser.end();
  let peakRss = process.memoryUsage().rss;
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
  }, 10);
  const cpu = process.cpuUsage();
  const started = performance.now();
  const result = await analyzeWavFile(path, format);
  const wall = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  clearInterval(sampler);
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
  process.stdout.write(
    JSON.stringify({
      wall,
      cpu: (used.user + used.system) / 1e6,
      peakRss,
      loudness: result.loudness,
      dr: result.dynamics.dynamic_range_db,
    }),
  );
}

/** Analyses `path` in a fresh node process and returns what it measured. */
function analyseInChild(path) {
  const child = spawnSync(process.execPath, [join(__dirname, 'shub.bench.js'), '--analyse', path], {
    cwd: ROOT,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  if (child.status !== 0) throw new Error(`analysis of ${path} failed (exit ${child.status})`);
  return JSON.parse(child.stdout);
}

async function main() {
  ensureAnalyserBuilt();
  const signals = require(join(DSP, 'test-signals.js'));
  const encoder = require(join(DSP, 'wav-encoder.js'));
  const dir = mkdtempSync(join(tmpdir(), 'vx11-shub-bench-'));
  try {
    const long = join(dir, 'long.wav');
    const short = join(dir, 'short.wav');
    say(`generating ${LONG_SEC} s and ${SHORT_SEC} s of stereo 44.1 kHz 24-bit audio in ${dir}`);
    writeSignal(long, LONG_SEC, signals, encoder);
    writeSignal(short, SHORT_SEC, signals, encoder);

    const small = analyseInChild(short);
    const big = analyseInChild(long);
    const mb = (bytes) => bytes / 1024 / 1024;
    const factor = LONG_SEC / big.wall;
    const loud = big.loudness;
    say(
      `3-minute file: ${big.wall.toFixed(3)} s wall, ${big.cpu.toFixed(3)} s CPU → ${factor.toFixed(0)}× real time ` +
        `(goal ≥ ${GOAL_REALTIME_FACTOR}×: ${factor >= GOAL_REALTIME_FACTOR ? 'met' : 'NOT met'})`,
    );
    say(
      `  ${loud.integrated_lufs} LUFS, LRA ${loud.loudness_range_lu} LU, true peak ${loud.true_peak_dbtp} dBTP, ` +
        `DR ${big.dr}`,
    );
    say(
      `peak RSS: ${mb(small.peakRss).toFixed(1)} MB for 1 minute, ${mb(big.peakRss).toFixed(1)} MB for 3 minutes ` +
        `(growth ${mb(big.peakRss - small.peakRss).toFixed(1)} MB for 3× the audio)`,
    );
    const line = {
      bench: 'shub',
      realtime_factor: round(factor, 1),
      rss_mb: round(mb(big.peakRss), 1),
      rss_growth_mb: round(mb(big.peakRss - small.peakRss), 1),
      wall_sec: round(big.wall, 3),
      cpu_sec: round(big.cpu, 3),
      cpu_sec_per_audio_minute: round(big.cpu / (LONG_SEC / 60), 3),
      audio_sec: LONG_SEC,
      goal_realtime_factor: GOAL_REALTIME_FACTOR,
    };
    say(JSON.stringify(line));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const analyseArg = process.argv.indexOf('--analyse');
(analyseArg > 0 ? analyseHere(process.argv[analyseArg + 1]) : main()).catch((err) => {
  process.stderr.write(`shub bench failed: ${err && err.stack ? err.stack : err}\n`);
  process.exitCode = 1;
});
