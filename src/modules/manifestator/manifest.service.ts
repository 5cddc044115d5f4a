import { Injectable } from '@nestjs/common';
import { isAbsolute, resolve } from 'node:path';
import { AppConfig } from '../../core/config/app-config';
import { PROJECT_ROOT } from '../../core/config/project-root';
import { ApiError } from '../../core/errors/api-error';
import { Manifest, ManifestError, ManifestFile, routeKey } from './manifest';
import { ManifestatorErrors } from './manifestator-errors';

/** The declared manifest (config manifestator.manifestFile), re-read when the file changes. */
@Injectable()
export class ManifestService {
  readonly file: ManifestFile;

  constructor(private readonly config: AppConfig) {
    const path = config.manifestator.manifestFile;
    this.file = new ManifestFile(isAbsolute(path) ? path : resolve(PROJECT_ROOT, path));
  }

  get path(): string {
    return this.file.path;
  }

  /** The manifest; 503 manifest_unavailable (naming the problem) when it cannot be used. */
  load(): Manifest {
    try {
      return this.file.load();
    } catch (err) {
      if (!(err instanceof ManifestError)) throw err;
      throw new ApiError(
        ManifestatorErrors.manifest_unavailable,
        `The manifest cannot be used: ${err.message}`,
      );
    }
  }

  /** Route keys the manifest declares public under the current configuration. */
  publicKeys(manifest: Manifest): Set<string> {
    return new Set(
      manifest.public_routes
        .filter((r) => r.when !== 'metricsPublic' || this.config.metricsPublic)
        .map((r) => routeKey(r.method, r.path)),
    );
  }
}
