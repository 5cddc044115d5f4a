import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsDefined,
  IsIn,
  IsObject,
  IsOptional,
  IsString,
  MaxLength,
  MinLength,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { SWITCH_MODES, SwitchMode } from '../../../core/config/app-config';

export class ChatTurnDto {
  @ApiProperty({ enum: ['system', 'user', 'assistant'] })
  @IsIn(['system', 'user', 'assistant'])
  role: 'system' | 'user' | 'assistant';

  @ApiProperty()
  @IsString()
  @MinLength(1)
  @MaxLength(32000)
  content: string;
}

/** Body of POST /switch/chat and POST /madre/chat. */
export class TierChatDto {
  @ApiProperty({ type: [ChatTurnDto] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(100)
  @ValidateNested({ each: true })
  @Type(() => ChatTurnDto)
  messages: ChatTurnDto[];

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(64)
  provider_hint?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsObject()
  metadata?: Record<string, unknown>;
}

export class SwitchControlDto {
  @ApiProperty({ enum: ['set_mode', 'get_mode', 'list_modes'] })
  @IsIn(['set_mode', 'get_mode', 'list_modes'])
  action: 'set_mode' | 'get_mode' | 'list_modes';

  @ApiPropertyOptional({ enum: SWITCH_MODES, description: 'Required with set_mode' })
  @ValidateIf((body: SwitchControlDto) => body.action === 'set_mode' || body.mode !== undefined)
  @IsDefined({ message: 'mode is required for set_mode' })
  @IsIn(SWITCH_MODES)
  mode?: SwitchMode;
}
