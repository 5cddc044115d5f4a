import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  IsArray,
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
} from 'class-validator';
import { INTENT_TYPES, IntentType } from '../plan.entity';

/** Hard cap of the DTO; the configured intents.maxTextChars (lower) is checked by the service. */
const TEXT_HARD_MAX = 100_000;

/** Body of POST /madre/intent and POST /vx11/intent. */
export class IntentDto {
  @ApiProperty({ enum: INTENT_TYPES, example: 'status' })
  @IsIn(INTENT_TYPES, { message: `intent_type must be one of ${INTENT_TYPES.join(', ')}` })
  intent_type: IntentType;

  @ApiPropertyOptional({
    description:
      'Free text (English or Spanish), parsed by the keyword parser; limit intents.maxTextChars',
    example: 'restore the database',
  })
  @IsOptional()
  @IsString()
  @MaxLength(TEXT_HARD_MAX)
  text?: string;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    description:
      'Parameters: message (chat), target + ttl_sec (open_window), apply_retention (maintenance), program + args + ttl_sec (spawn)',
    example: { target: 'switch', ttl_sec: 120 },
  })
  @IsOptional()
  @IsObject()
  payload?: Record<string, unknown>;

  @ApiPropertyOptional({
    type: [String],
    description: 'Modules the plan needs awake (woken by a window around it when dormant)',
    example: ['hermes'],
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(8)
  @IsString({ each: true })
  @MaxLength(64, { each: true })
  require?: string[];

  @ApiPropertyOptional({ type: 'integer', minimum: 0, maximum: 10, default: 0 })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(10)
  priority?: number;

  @ApiPropertyOptional({ description: 'Defaults to the request’s correlation id' })
  @IsOptional()
  @IsString()
  @Matches(/^[A-Za-z0-9._:-]{1,128}$/, {
    message: 'correlation_id must be 1-128 of [A-Za-z0-9._:-]',
  })
  correlation_id?: string;
}

export class ConfirmPlanDto {
  @ApiProperty({ description: 'The confirm_token the intent returned (once)' })
  @IsString()
  @MaxLength(256)
  confirm_token: string;
}
