import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  IsArray,
  IsIn,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  MinLength,
} from 'class-validator';
import { HORMIGUERO_ANTS } from '../finding';
import { ACTION_ALLOWLIST } from '../actions/action';

/** POST /hormiguero/scan/once */
export class ScanOnceDto {
  @ApiPropertyOptional({
    type: [String],
    enum: HORMIGUERO_ANTS,
    description: 'The ants to run (all by default)',
    example: ['fs_drift', 'pressure'],
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(HORMIGUERO_ANTS.length)
  @IsIn(HORMIGUERO_ANTS, { each: true })
  ants?: string[];
}

/** POST /hormiguero/actions/preview */
export class PreviewActionDto {
  @ApiProperty({
    description: `One of the allowlist: ${ACTION_ALLOWLIST.join(', ')} (anything else is 422)`,
    example: 'rotate_logs',
  })
  @IsString()
  @MinLength(1)
  @MaxLength(64)
  action: string;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    description:
      'rotate_logs: {logs?: ["architect","health_monitor","alerts"]}; prune_backup_archive and prune_health_history: {older_than_days?: integer}; wal_checkpoint: none',
    example: {},
  })
  @IsOptional()
  @IsObject()
  params?: Record<string, unknown>;
}

/** POST /hormiguero/actions/apply */
export class ApplyActionDto {
  @ApiProperty({ description: 'The preview_id from POST /hormiguero/actions/preview' })
  @IsString()
  @MinLength(1)
  @MaxLength(64)
  preview_id: string;

  @ApiProperty({ description: 'The approval_token of that preview (single use, expiring)' })
  @IsString()
  @MinLength(1)
  @MaxLength(128)
  approval_token: string;

  @ApiPropertyOptional({
    description: 'Who approves (recorded with the client address); default "operator"',
    example: 'alice',
  })
  @IsOptional()
  @IsString()
  @Matches(/^[\w.@-]{1,64}$/, { message: 'approved_by must be 1-64 of letters, digits, _ . @ -' })
  approved_by?: string;
}
