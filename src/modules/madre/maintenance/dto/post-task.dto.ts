import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsOptional, IsString, MaxLength, MinLength } from 'class-validator';

/** Body of POST /madre/power/maintenance/post_task (optional as a whole). */
export class PostTaskDto {
  @ApiPropertyOptional({
    description: 'Run retention cleanup even when the database is under the size limit',
    default: false,
  })
  @IsOptional()
  @IsBoolean()
  apply_retention?: boolean;

  @ApiPropertyOptional({ example: 'after upgrade', description: 'Why the run was asked for' })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  reason?: string;
}
