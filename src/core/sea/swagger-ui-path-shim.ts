import { join } from 'node:path';
import { PROJECT_ROOT } from '../config/project-root';

/**
 * Stands in for `swagger-ui-dist/absolute-path.js` in the release's bundle: Swagger UI's files
 * are assets, extracted under the release's project root.
 */
function getAbsoluteFSPath(): string {
  return join(PROJECT_ROOT, 'swagger-ui-dist');
}

export = getAbsoluteFSPath;
