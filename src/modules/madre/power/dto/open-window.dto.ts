import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  MaxLength,
  Min,
} from 'class-validator';

export class OpenWindowDto {
  @ApiPropertyOptional({ description: 'One module to wake', example: 'switch' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  service?: string;

  @ApiPropertyOptional({ description: 'Several modules to wake', type: [String] })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(16)
  @IsString({ each: true })
  services?: string[];

  @ApiPropertyOptional({
    type: 'integer',
    description: 'Seconds until the window closes by itself (mode ttl)',
    example: 300,
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  ttl_sec?: number;

  @ApiPropertyOptional({ enum: ['ttl', 'hold'], default: 'ttl' })
  @IsOptional()
  @IsIn(['ttl', 'hold'])
  mode?: 'ttl' | 'hold';

  @ApiPropertyOptional({
    description: 'Why the window is opened',
    example: 'operator chat session',
  })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  reason?: string;
}

export class CloseWindowDto {
  @ApiPropertyOptional({ description: 'The window to close; the open one when omitted' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  window_id?: string;
}

/** Body of the gateway alias POST /vx11/window/open. */
export class TargetWindowOpenDto {
  @ApiProperty({ example: 'spawner', description: 'The module to wake' })
  @IsString()
  @MaxLength(64)
  target: string;

  @ApiPropertyOptional({ type: 'integer', example: 300 })
  @IsOptional()
  @IsInt()
  @Min(1)
  ttl_seconds?: number;

  @ApiPropertyOptional({ enum: ['ttl', 'hold'], default: 'ttl' })
  @IsOptional()
  @IsIn(['ttl', 'hold'])
  mode?: 'ttl' | 'hold';

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(200)
  reason?: string;
}

/** Body of the gateway alias POST /vx11/window/close. */
export class TargetWindowCloseDto {
  @ApiPropertyOptional({ example: 'spawner' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  target?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(200)
  reason?: string;
}

/** Body of POST /operator/api/chat/window/open: wakes switch for chat. */
export class ChatWindowOpenDto {
  @ApiPropertyOptional({ type: 'integer', example: 600 })
  @IsOptional()
  @IsInt()
  @Min(1)
  ttl_sec?: number;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(200)
  reason?: string;
}
