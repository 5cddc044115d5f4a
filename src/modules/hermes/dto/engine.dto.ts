import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  IsIn,
  IsInt,
  IsNumber,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
} from 'class-validator';

export class RegisterEngineDto {
  @ApiProperty({ example: 'local-llama' })
  @IsString()
  @Matches(/^[A-Za-z0-9_.-]{1,64}$/, { message: 'name must be 1-64 letters, digits, _ . -' })
  name: string;

  @ApiProperty({ enum: ['switch', 'madre'] })
  @IsIn(['switch', 'madre'])
  tier: 'switch' | 'madre';

  @ApiProperty({ example: 'http://127.0.0.1:11434/v1' })
  @IsString()
  @MaxLength(500)
  @Matches(/^https?:\/\/[^\s]+$/, { message: 'base_url must be an http(s) URL' })
  base_url: string;

  @ApiProperty({ example: 'llama3' })
  @IsString()
  @MaxLength(200)
  model: string;

  @ApiPropertyOptional({
    description: 'Name of the env var holding the API key (never the key)',
    example: 'OPENAI_API_KEY',
  })
  @IsOptional()
  @IsString()
  @Matches(/^[A-Z_][A-Z0-9_]{0,127}$/, {
    message: 'api_key_env must be an environment variable name',
  })
  api_key_env?: string;

  @ApiPropertyOptional({ type: 'integer', example: 8000 })
  @IsOptional()
  @IsInt()
  @Min(100)
  timeout_ms?: number;

  @ApiPropertyOptional({ type: 'integer', example: 0 })
  @IsOptional()
  @IsInt()
  priority?: number;

  @ApiPropertyOptional({ type: 'integer', example: 200000 })
  @IsOptional()
  @IsInt()
  @Min(0)
  daily_token_budget?: number;

  @ApiPropertyOptional({ example: 0.5, description: 'Price per 1000 tokens (budget downgrade)' })
  @IsOptional()
  @IsNumber()
  @Min(0)
  cost_per_1k_tokens?: number;

  @ApiPropertyOptional({ type: 'integer', example: 4, description: 'Calls in flight at once' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(10000)
  max_concurrency?: number;
}

export class SelectEngineDto {
  @ApiProperty({ example: 'summarize this log' })
  @IsString()
  @MaxLength(4000)
  query: string;

  @ApiPropertyOptional({ type: [String] })
  @IsOptional()
  @IsString({ each: true })
  available_engines?: string[];
}

export class RecordResultDto {
  @ApiProperty()
  @IsString()
  @MaxLength(64)
  engine: string;

  @ApiProperty()
  @IsIn([true, false], { message: 'success must be a boolean' })
  success: boolean;

  @ApiProperty({ type: 'integer' })
  @IsInt()
  @Min(0)
  latency_ms: number;

  @ApiPropertyOptional({ type: 'integer' })
  @IsOptional()
  @IsInt()
  @Min(0)
  tokens?: number;
}
