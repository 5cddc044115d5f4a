import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  IsArray,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  Min,
} from 'class-validator';

const NO_NUL = /^[^\0]*$/;

/** Body of POST /spawner/runs. */
export class StartRunDto {
  @ApiProperty({ description: 'A key of spawner.programs', example: 'echo' })
  @IsString()
  @MaxLength(64)
  program: string;

  @ApiPropertyOptional({
    type: [String],
    description: 'Passed as argv, literally: no shell ever sees them',
    example: ['hello'],
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(256)
  @IsString({ each: true })
  @MaxLength(8192, { each: true })
  @Matches(NO_NUL, { each: true, message: 'each arg must not contain NUL' })
  args?: string[];

  @ApiPropertyOptional({ description: 'A directory inside the work root (relative to it)' })
  @IsOptional()
  @IsString()
  @MaxLength(1024)
  @Matches(NO_NUL, { message: 'cwd must not contain NUL' })
  cwd?: string;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: { type: 'string' },
    description: 'Variables from spawner.envAllowlist',
    example: { TZ: 'UTC' },
  })
  @IsOptional()
  @IsObject()
  env?: Record<string, string>;

  @ApiPropertyOptional({ description: "Written to the program's stdin, which is then closed" })
  @IsOptional()
  @IsString()
  @MaxLength(1024 * 1024)
  stdin?: string;

  @ApiPropertyOptional({
    type: 'integer',
    description: 'Seconds before the run is killed (up to spawner.maxTtlSec)',
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  ttl_sec?: number;

  @ApiPropertyOptional({ example: 'disk report' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  name?: string;
}
