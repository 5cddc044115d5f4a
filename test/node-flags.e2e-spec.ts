import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assertBuilt, childEnv, NODE_FLAGS, PROJECT_DIR, spawnNode } from './support/child-app';

// scripts/ is plain Node, so it is required, not imported.
const { staleReason } = require('../scripts/build-stamp') as {
  staleReason(): string | null;
};

/** The node options of a running process, from its command line. */
function nodeOptionsOf(pid: number): string[] {
  const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
  return argv.slice(1).filter((arg) => arg.startsWith('--'));
}

describe('VX11 runs with the node flags of scripts/node-flags.js, however it is started', () => {
  it('has flags to give', () => {
    expect(NODE_FLAGS.length).toBeGreaterThan(0);
    for (const flag of NODE_FLAGS) expect(flag).toMatch(/^--[a-z0-9-]+(=\S+)?$/);
  });

  it("npm start's server process carries them and serves", async () => {
    assertBuilt();
    // a stale dist/ would make npm start rebuild it under the other specs' feet
    const stale = staleReason();
    if (stale)
      throw new Error(`dist/ is stale (${stale}): run \`npm test\` or \`npm start\` first`);
    const dir = mkdtempSync(join(tmpdir(), 'vx11-flags-'));
    const start = spawnNode(
      [join(PROJECT_DIR, 'scripts', 'start.js')],
      childEnv(dir, { VX11_AUTH_MODE: 'off' }),
    );
    try {
      const port = await start.waitForListening();
      const { pid } = JSON.parse(readFileSync(join(dir, 'data', 'vx11.pid'), 'utf8')) as {
        pid: number;
      };
      expect(pid).not.toBe(start.child.pid); // start.js runs the server as its child
      expect(nodeOptionsOf(pid)).toEqual([...NODE_FLAGS]);
      const health = await fetch(`http://127.0.0.1:${port}/health`);
      expect(health.status).toBe(200);
    } finally {
      const exit = await start.stop(); // SIGTERM, forwarded to the server
      rmSync(dir, { recursive: true, force: true });
      expect(exit.code).toBe(0);
    }
  });

  it('start:prod, the Dockerfile and the systemd units spell out the same flags', () => {
    const pkg = JSON.parse(readFileSync(join(PROJECT_DIR, 'package.json'), 'utf8')) as {
      scripts: Record<string, string>;
    };
    expect(pkg.scripts['start:prod']).toBe(`node ${NODE_FLAGS.join(' ')} dist/src/main.js`);

    const dockerfile = readFileSync(join(PROJECT_DIR, 'Dockerfile'), 'utf8');
    const nodeCmd = JSON.stringify(['node', ...NODE_FLAGS, 'dist/src/main.js']).replace(
      /","/g,
      '", "',
    );
    expect(dockerfile).toContain(`CMD ${nodeCmd}`);
    // the single executable (Node 20's cannot embed flags) reads them from NODE_OPTIONS
    const binaryStage = dockerfile.slice(dockerfile.indexOf(' AS binary'));
    expect(binaryStage).toContain(`NODE_OPTIONS=${NODE_FLAGS.join(' ')} `);

    const unit = readFileSync(join(PROJECT_DIR, 'deploy', 'vx11.service'), 'utf8');
    expect(unit).toContain(`ExecStart=/usr/bin/node ${NODE_FLAGS.join(' ')} dist/src/main.js\n`);
    const binaryUnit = readFileSync(
      join(PROJECT_DIR, 'deploy', 'systemd', 'vx11-binary.service'),
      'utf8',
    );
    expect(binaryUnit).toContain(`Environment=NODE_OPTIONS=${NODE_FLAGS.join(' ')}\n`);
  });
});
