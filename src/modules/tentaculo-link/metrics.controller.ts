import { Controller, Get, Header, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Public } from '../../core/auth/public.decorator';
import { MetricsService } from '../../core/metrics/metrics.service';

@ApiTags('tentaculo_link')
@Controller()
export class MetricsController {
  constructor(private readonly metrics: MetricsService) {}

  /** Prometheus text format; public unless VX11_METRICS_PUBLIC=false. */
  @Public((config) => config.metricsPublic)
  @ApiOperation({
    operationId: 'getMetrics',
    summary: 'Prometheus metrics (public unless VX11_METRICS_PUBLIC=false)',
  })
  @ApiProduces('text/plain')
  @ApiOkResponse({
    description: 'Prometheus text exposition format 0.0.4',
    schema: { type: 'string', example: 'vx11_process_cpu_user_seconds_total 0.42' },
  })
  @Get('metrics')
  @Header('cache-control', 'no-store')
  async scrape(@Res() reply: FastifyReply): Promise<void> {
    const body = await this.metrics.render();
    void reply.header('content-type', this.metrics.contentType).send(body);
  }
}
