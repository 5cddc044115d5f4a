/**
 * The release's entry (scripts/release.js bundles it): `vx11-linux-x64` serves like
 * `npm start`; `vx11-linux-x64 <command> …` runs the CLI (`backup`, `status`, `rollback`, …).
 * The assets are extracted before anything reads them; the requires stay lazy so only the
 * chosen entry loads.
 */
import { seaProjectRoot } from './core/sea/sea-root';

try {
  seaProjectRoot();
} catch (err) {
  console.error(
    `vx11: cannot write the release's files to its cache dir: ${(err as Error).message} ` +
      '(set VX11_CACHE_DIR to a writable directory)',
  );
  process.exit(1);
}
if (process.argv.length > 2) require('./cli/vx11');
else require('./main');
