import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { MODULE_NAMES } from '../../../../core/registry/module-catalog';
import { INCIDENT_STATUSES, IncidentStatus } from '../incident.entity';

/** `?limit=` shared by the list queries. */
class LimitQuery {
  @ApiPropertyOptional({ type: 'integer', default: 100, minimum: 1, maximum: 1000 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000)
  limit?: number;
}

export class ListIncidentsQuery extends LimitQuery {
  @ApiPropertyOptional({ enum: INCIDENT_STATUSES })
  @IsOptional()
  @IsIn(INCIDENT_STATUSES)
  status?: IncidentStatus;
}

export class IncidentIdParam {
  @ApiProperty({ pattern: '^[0-9a-f]{24}$', description: 'The incident id' })
  @IsString()
  @Matches(/^[0-9a-f]{24}$/, { message: 'id must be a 24-character incident id' })
  id: string;
}

export class ResolveIncidentDto {
  @ApiPropertyOptional({ example: 'fixed the provider URL' })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  note?: string;
}

export class HealthHistoryQuery extends LimitQuery {
  @ApiPropertyOptional({ enum: MODULE_NAMES })
  @IsOptional()
  @IsIn(MODULE_NAMES)
  module?: string;
}
