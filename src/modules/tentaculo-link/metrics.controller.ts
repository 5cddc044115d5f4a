import { Controller, Get, Header, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Public } from '../../core/auth/public.decorator';
import { MetricsService } from '../../core/metrics/metrics.service';

@ApiTags('gateway')
@Controller()
export class MetricsController {
  constructor(private readonly metrics: MetricsService) {}

  /** Prometheus text format; public unless VX11_METRICS_PUBLIC=false. */
  @Public((config) => config.metricsPublic)
  @Get('metrics')
  @Header('cache-control', 'no-store')
  async scrape(@Res() reply: FastifyReply): Promise<void> {
    const body = await this.metrics.render();
    void reply.header('content-type', this.metrics.contentType).send(body);
  }
}
