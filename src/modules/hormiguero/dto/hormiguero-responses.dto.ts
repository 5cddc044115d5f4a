import { ApiProperty } from '@nestjs/swagger';
import { CycleCheckDto } from '../../madre/health/dto/health-responses.dto';

/** The pressure ant's reading since its previous one. */
export class PressureReadingDto {
  @ApiProperty({ example: 12.4 })
  event_loop_lag_p99_ms: number;

  @ApiProperty({ example: 182.3 })
  rss_mb: number;

  @ApiProperty({ example: 96.1 })
  heap_used_mb: number;

  @ApiProperty({ example: 0.42 })
  load_1m: number;

  @ApiProperty({ format: 'date-time' })
  at: string;
}

/** GET /hormiguero/status */
export class HormigueroStatusDto {
  @ApiProperty({ enum: ['hormiguero'] })
  module: 'hormiguero';

  @ApiProperty()
  scheduler_running: boolean;

  @ApiProperty({
    type: CycleCheckDto,
    nullable: true,
    description: "The health monitor's last check of hormiguero (null before the first)",
  })
  health: CycleCheckDto | null;

  @ApiProperty({ type: PressureReadingDto, nullable: true, description: 'null before the first' })
  last_scan: PressureReadingDto | null;
}
