import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { isSea } from './sea';
import { seaCacheBase, seaDataDir } from './sea-root';
import { sqliteNativeBinding } from './native-binding';

describe('the release runtime (core/sea)', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'vx11-sea-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('is not a SEA under jest, and leaves better-sqlite3 to find its own addon', () => {
    expect(isSea()).toBe(false);
    expect(sqliteNativeBinding()).toBeUndefined();
  });

  it('puts the cache under the data dir the config will name, as load-config ranks them', () => {
    const defaults = { dataDir: 'data' };
    expect(seaDataDir({}, defaults)).toBe(resolve(process.cwd(), 'data'));
    const file = join(dir, 'vx11.json');
    writeFileSync(file, JSON.stringify({ dataDir: '/srv/vx11-data' }));
    expect(seaDataDir({ VX11_CONFIG_FILE: file }, defaults)).toBe('/srv/vx11-data');
    expect(seaDataDir({ VX11_CONFIG_FILE: file, VX11_DATA_DIR: '/var/x' }, defaults)).toBe(
      '/var/x',
    );
    // an unreadable config file is load-config's to report; the cache falls back to the default
    expect(seaDataDir({ VX11_CONFIG_FILE: join(dir, 'missing.json') }, defaults)).toBe(
      resolve(process.cwd(), 'data'),
    );
    expect(seaCacheBase({ VX11_DATA_DIR: '/var/x' }, defaults)).toBe('/var/x/.cache');
    expect(seaCacheBase({ VX11_DATA_DIR: '/var/x', VX11_CACHE_DIR: '/opt/c' }, defaults)).toBe(
      '/opt/c',
    );
  });
});
