'use strict';

/**
 * Summarizes a V8 .cpuprofile (from `node --cpu-prof`, e.g. BENCH_PROFILE=dir npm run bench):
 * the top functions by self time, self time by package (node_modules/<pkg>, node:internal, the
 * app's own dist/ files), and the inclusive time of the functions whose name matches --match.
 *
 *   node bench/support/profile-summary.js <file.cpuprofile> [--top 25] [--match regex]
 *     [--skip S] [--until S] [--last S]   only samples after the first S seconds, before
 *                             S seconds from the start, or in the last S seconds
 */

const { readFileSync } = require('node:fs');

function parseArgs(argv) {
  const args = {
    file: undefined,
    top: 25,
    match: undefined,
    skip: 0,
    until: Infinity,
    last: Infinity,
  };
  for (let i = 0; i < argv.length; i += 1) {
    if (argv[i] === '--top') args.top = Number(argv[(i += 1)]);
    else if (argv[i] === '--match') args.match = new RegExp(argv[(i += 1)]);
    else if (argv[i] === '--skip') args.skip = Number(argv[(i += 1)]);
    else if (argv[i] === '--last') args.last = Number(argv[(i += 1)]);
    else if (argv[i] === '--until') args.until = Number(argv[(i += 1)]);
    else args.file = argv[i];
  }
  if (!args.file) {
    console.error('usage: profile-summary.js <file.cpuprofile> [--top N] [--match regex]');
    process.exit(2);
  }
  return args;
}

function where(url) {
  if (!url) return '(native)';
  const nm = url.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const rest = url.slice(nm + 'node_modules/'.length).split('/');
    return rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
  }
  if (url.startsWith('node:')) return 'node:' + url.slice(5).split('/')[0];
  const src = url.indexOf('/src/');
  if (src >= 0)
    return (
      'vx11:' +
      url
        .slice(src + 5)
        .split('/')
        .slice(0, 2)
        .join('/')
    );
  return url.replace(/^file:\/\//, '');
}

function main() {
  const { file, top, match, skip, until, last } = parseArgs(process.argv.slice(2));
  const profile = JSON.parse(readFileSync(file, 'utf8'));
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

  // Self time per node from the samples and their time deltas (microseconds).
  const self = new Map();
  let total = 0;
  let at = 0;
  const span = profile.timeDeltas.reduce((a, b) => a + b, 0);
  const from = Math.max(skip * 1e6, span - last * 1e6);
  profile.samples.forEach((id, i) => {
    const dt = profile.timeDeltas[i] ?? 0;
    at += dt;
    if (at < from || at > until * 1e6) return;
    self.set(id, (self.get(id) ?? 0) + dt);
    total += dt;
  });

  const label = (n) => {
    const f = n.callFrame;
    const file = f.url ? f.url.replace(/^.*\/(node_modules|src)\//, '$1/') : '';
    return `${f.functionName || '(anonymous)'} ${file}:${f.lineNumber + 1}`;
  };
  const fnSelf = new Map();
  const pkgSelf = new Map();
  for (const [id, us] of self) {
    const n = byId.get(id);
    const key = label(n);
    fnSelf.set(key, (fnSelf.get(key) ?? 0) + us);
    const pkg = ['(idle)', '(program)', '(garbage collector)'].includes(n.callFrame.functionName)
      ? n.callFrame.functionName
      : where(n.callFrame.url);
    pkgSelf.set(pkg, (pkgSelf.get(pkg) ?? 0) + us);
  }
  const pct = (us) => `${((100 * us) / total).toFixed(1).padStart(5)}%`;
  const show = (title, map, n) => {
    console.log(`\n${title}`);
    [...map.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .forEach(([k, us]) =>
        console.log(`  ${pct(us)}  ${(us / 1000).toFixed(0).padStart(7)} ms  ${k}`),
      );
  };
  console.log(`${file}: ${(total / 1e6).toFixed(2)} s sampled`);
  show('self time by package', pkgSelf, top);
  show('self time by function', fnSelf, top);

  if (match) {
    // Inclusive time: a sample counts once for each matching frame on its stack (outermost only).
    const incl = new Map();
    for (const [id, us] of self) {
      const seen = new Set();
      for (let cur = id; cur !== undefined; cur = parent.get(cur)) {
        const n = byId.get(cur);
        const key = label(n);
        if (match.test(key) && !seen.has(key)) {
          seen.add(key);
          incl.set(key, (incl.get(key) ?? 0) + us);
        }
      }
    }
    show(`inclusive time of frames matching ${match}`, incl, top);
  }
}

main();
