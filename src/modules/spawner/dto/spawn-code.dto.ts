import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, IsOptional, IsString, MaxLength, Min, MinLength } from 'class-validator';

export const CODE_TASK_TYPES = ['python', 'bash', 'node'] as const;
export type CodeTaskType = (typeof CODE_TASK_TYPES)[number];

/** Body of POST /vx11/spawn (the seed's alias; off unless spawner.allowCode). */
export class SpawnCodeDto {
  @ApiProperty({ enum: CODE_TASK_TYPES })
  @IsIn(CODE_TASK_TYPES)
  task_type: CodeTaskType;

  @ApiProperty({ example: 'print(2 + 2)' })
  @IsString()
  @MinLength(1)
  @MaxLength(100000)
  code: string;

  @ApiPropertyOptional({
    type: 'integer',
    description: 'Seconds before the run is killed',
    example: 30,
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  ttl_seconds?: number;
}
