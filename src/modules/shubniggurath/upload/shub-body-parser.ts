import { Injectable, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ApiError } from '../../../core/errors/api-error';
import { routeConfigOf, withRouteConfig } from '../../../core/http/route-config';
import { WAKE_HINT } from '../../../core/registry/module-active.guard';
import { ModuleRegistry } from '../../../core/registry/module-registry.service';
import { MULTIPART, ShubUploadsService, UploadKind, WAV_MEDIA_TYPES } from './shub-uploads.service';
import { CoreErrors } from '../../../core/errors/core-errors';

const UPLOAD_ROUTE = 'shub:upload';
const MODULE = 'shubniggurath';

/** Marks a route as a shub upload: its body reaches the handler as the raw, unread stream. */
export const ShubUpload = (kind: UploadKind) => withRouteConfig({ [UPLOAD_ROUTE]: kind });

/**
 * Lets WAV and multipart bodies reach the shub upload routes as streams: Fastify's own parsers
 * would read a body whole (up to the global body limit) before the handler runs. The parser
 * hands the request stream through untouched, after the refusals that need no body byte — shub
 * dormant (503), the queue down (503), a declared length over shub.maxUploadBytes (413). Any
 * other route sent these types answers 415, as before.
 *
 * A shub route that answers without reading its whole body (a refusal) also closes the
 * connection (onSend), so Node does not drain, perhaps for long, the bytes nobody wants.
 */
@Injectable()
export class ShubBodyParser implements OnModuleInit {
  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly registry: ModuleRegistry,
    private readonly uploads: ShubUploadsService,
  ) {}

  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter.getInstance<FastifyInstance>();
    fastify.addContentTypeParser([...WAV_MEDIA_TYPES, MULTIPART], (request, payload, done) => {
      try {
        this.admit(request);
      } catch (err) {
        return done(err as Error, undefined);
      }
      done(null, payload);
    });
    fastify.addHook('onSend', (request: FastifyRequest, reply: FastifyReply, payload, done) => {
      if (routeConfigOf(request)[UPLOAD_ROUTE] !== undefined && !request.raw.complete) {
        void reply.header('connection', 'close');
      }
      done(null, payload);
    });
  }

  private admit(request: FastifyRequest): void {
    const kind = routeConfigOf(request)[UPLOAD_ROUTE] as UploadKind | undefined;
    if (kind === undefined) {
      const type = String(request.headers['content-type'] ?? '').split(';', 1)[0];
      throw new ApiError(CoreErrors.unsupported_media_type, `Unsupported Media Type: ${type}`);
    }
    // The module guard says the same, but only after the body parser: say it before the body.
    if (!this.registry.isActive(MODULE)) {
      throw new ApiError(
        CoreErrors.module_dormant,
        `Module ${MODULE} is ${this.registry.state(MODULE)}`,
        undefined,
        { module: MODULE, hint: WAKE_HINT },
      );
    }
    this.uploads.admit(request, kind);
  }
}
