import { Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { randomUUID } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { AppConfig } from '../../../core/config/app-config';
import { currentCorrelationId } from '../../../core/correlation/correlation';
import { ApiError } from '../../../core/errors/api-error';
import { RedisService } from '../../../core/queue/redis.service';
import { AnalyzeQuery, TARGET_LUFS_RANGE } from '../dto/analyze-query.dto';
import { JobView } from '../job-view';
import { resolveTarget, STYLE_NAMES, StyleName, Target } from '../mastering-advice';
import { ShubJobsService, StoredUpload, queueUnavailable } from '../shub-jobs.service';
import { ShubMetrics } from '../shub-metrics';
import { removeUpload } from '../shub-paths';
import { readMultipart } from './multipart-reader';
import { CLOSE, refusalOf, tooLarge } from './upload-errors';
import { receiveWav } from './wav-receiver';
import { CoreErrors } from '../../../core/errors/core-errors';

/** Raw WAV media types a client may send (RFC 2361's audio/vnd.wave and the common aliases). */
export const WAV_MEDIA_TYPES = ['audio/wav', 'audio/x-wav', 'audio/wave', 'audio/vnd.wave'];
export const MULTIPART = 'multipart/form-data';

/** Which upload a route takes: one WAV (raw or multipart `file`) or a batch (multipart only). */
export type UploadKind = 'single' | 'batch';

export interface BatchView {
  batch_id: string;
  jobs: JobView[];
}

const FILE_FIELDS = ['file'];
const TEXT_FIELDS = ['style', 'target_lufs'];

function mediaType(request: FastifyRequest): string {
  return String(request.headers['content-type'] ?? '')
    .split(';', 1)[0]
    .trim()
    .toLowerCase();
}

/**
 * Turns an upload into jobs: the body is streamed to a temp file under the data dir (never
 * held in memory), its WAV header checked as it arrives, the byte limit enforced as it is
 * crossed; then one job per file. Whatever goes wrong, the temp files are removed.
 */
@Injectable()
export class ShubUploadsService {
  constructor(
    private readonly config: AppConfig,
    private readonly redis: RedisService,
    private readonly jobs: ShubJobsService,
    private readonly metrics: ShubMetrics,
  ) {}

  private get maxBytes(): number {
    return this.config.shub.maxUploadBytes;
  }

  /**
   * Refusals that need no body byte, made before the body is read (the content-type parser
   * calls this): a batch sent as raw audio, the queue down (503), a declared length over the
   * limit (413).
   */
  admit(request: FastifyRequest, kind: UploadKind): void {
    try {
      if (kind === 'batch' && mediaType(request) !== MULTIPART) {
        throw new ApiError(
          CoreErrors.unsupported_media_type,
          `POST /shub/batch takes ${MULTIPART} with one "file" part per WAV`,
          undefined,
          undefined,
          CLOSE,
        );
      }
      if (!this.redis.isUp()) throw queueUnavailable('redis unreachable');
      const declared = Number(request.headers['content-length']);
      if (Number.isFinite(declared) && declared > this.maxBytes)
        throw tooLarge(this.maxBytes, declared);
    } catch (err) {
      throw this.refuse(err);
    }
  }

  /** POST /shub/analyze: one WAV, raw (`audio/wav`) or as the multipart field `file`. */
  async analyze(request: FastifyRequest, query: AnalyzeQuery): Promise<JobView> {
    const [job] = await this.receive(request, query, 'single');
    return job;
  }

  /** POST /shub/batch: several `file` parts → one job each, under one batch id. */
  async batch(request: FastifyRequest, query: AnalyzeQuery): Promise<BatchView> {
    const batchId = randomUUID();
    const jobs = await this.receive(request, query, 'batch', batchId);
    return { batch_id: batchId, jobs };
  }

  private async receive(
    request: FastifyRequest,
    query: AnalyzeQuery,
    kind: UploadKind,
    batchId: string | null = null,
  ): Promise<JobView[]> {
    const stored: StoredUpload[] = [];
    const paths: string[] = []; // every temp file made, removed again on failure
    try {
      this.admit(request, kind);
      const body = request.body;
      const type = mediaType(request);
      if (!(body instanceof Readable) || !(WAV_MEDIA_TYPES.includes(type) || type === MULTIPART)) {
        throw new ApiError(
          CoreErrors.unsupported_media_type,
          `Send the WAV as ${WAV_MEDIA_TYPES[0]} or as the "file" field of ${MULTIPART}${type ? ` (got ${type})` : ''}`,
          undefined,
          undefined,
          CLOSE,
        );
      }
      await mkdir(this.jobs.tempDir, { recursive: true, mode: 0o700 });
      let fields: Record<string, string> = {};
      if (type === MULTIPART) {
        fields = await readMultipart(body, request.headers, {
          maxBytes: this.maxBytes,
          maxFiles: kind === 'batch' ? this.config.shub.maxBatchFiles : 1,
          fileFields: FILE_FIELDS,
          textFields: TEXT_FIELDS,
          onFile: async (file) => {
            const path = this.newPath(paths);
            const received = await receiveWav(file.stream, path, { maxBytes: this.maxBytes });
            stored.push({ ...received, path, fileName: file.filename });
          },
        });
        if (stored.length === 0) {
          throw new ApiError(
            CoreErrors.bad_request,
            `The multipart body has no "file" part`,
            undefined,
            undefined,
            CLOSE,
          );
        }
      } else {
        const path = this.newPath(paths);
        const received = await receiveWav(body, path, { maxBytes: this.maxBytes });
        stored.push({ ...received, path, fileName: query.name ?? null });
      }
      const target = targetOf({ ...query, ...fields });
      return await this.jobs.create(stored, target, batchId, currentCorrelationId() ?? null);
    } catch (err) {
      await Promise.all(paths.map((path) => removeUpload(path)));
      throw this.refuse(err);
    }
  }

  private newPath(made: string[]): string {
    const path = join(this.jobs.tempDir, `${randomUUID()}.wav`);
    made.push(path);
    return path;
  }

  private refuse(err: unknown): unknown {
    const { error, reason } = refusalOf(err);
    this.metrics.refusedUpload(reason);
    return error;
  }
}

/** The target from the query or the form fields (strings there, checked the same way). */
function targetOf(input: { style?: string; target_lufs?: number | string }): Target {
  const problems: Array<{ field: string; errors: string[] }> = [];
  if (input.style !== undefined && !STYLE_NAMES.includes(input.style as StyleName)) {
    problems.push({ field: 'style', errors: [`style must be one of: ${STYLE_NAMES.join(', ')}`] });
  }
  let target: number | undefined;
  if (input.target_lufs !== undefined) {
    target = Number(input.target_lufs);
    if (
      String(input.target_lufs).trim() === '' ||
      !Number.isFinite(target) ||
      target < TARGET_LUFS_RANGE.min ||
      target > TARGET_LUFS_RANGE.max
    ) {
      problems.push({
        field: 'target_lufs',
        errors: [
          `target_lufs must be a number from ${TARGET_LUFS_RANGE.min} to ${TARGET_LUFS_RANGE.max}`,
        ],
      });
    }
  }
  if (problems.length > 0) {
    const names = problems.map((p) => p.field).join(', ');
    throw new ApiError(CoreErrors.validation_failed, `Invalid fields: ${names}`, problems);
  }
  return resolveTarget(input.style as StyleName | undefined, target);
}
