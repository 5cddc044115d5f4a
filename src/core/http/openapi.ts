import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { SwaggerModule } from '@nestjs/swagger';
import { AppConfig } from '../config/app-config';
import { RouteAccessLog } from './openapi-access';
import { documentFrame, finishDocument } from './openapi-document';
import { ErrorBodyDto } from './openapi-errors';
import { BreakerSnapshotDto } from './openapi-schemas';
import { DOCS_PATH, swaggerUiOptions } from './openapi-ui';

export { DOCS_PAGE_ROUTES } from './openapi-ui';
export { RouteAccessLog } from './openapi-access';

/**
 * Serves the OpenAPI document at /docs-json (and /docs-yaml), built once on first request, and
 * the Swagger UI page at /docs. `access` must have been attached before Nest's routes.
 */
export function setupOpenApi(
  app: NestFastifyApplication,
  config: AppConfig,
  access: RouteAccessLog,
): void {
  const build = () =>
    finishDocument(
      SwaggerModule.createDocument(app, documentFrame(), {
        extraModels: [ErrorBodyDto, BreakerSnapshotDto],
        autoTagControllers: false, // tags are modules, given by @ApiTags
      }),
      access,
      config,
    );
  SwaggerModule.setup(DOCS_PATH, app, build, swaggerUiOptions());
}
