import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsNumber,
  IsObject,
  IsOptional,
  IsString,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';

export const OPENAI_ROLES = ['system', 'developer', 'user', 'assistant'] as const;

/** The bounds the decorators below check (the chat body pipe's own check reads them too). */
export const OPENAI_LIMITS = {
  nameChars: 64,
  modelChars: 200,
  messages: 1000,
  userChars: 120,
  maxTemperature: 2,
  maxTopP: 1,
} as const;

export class OpenAiMessageDto {
  @ApiProperty({ enum: OPENAI_ROLES, description: '`developer` is sent as `system`' })
  @IsIn(OPENAI_ROLES, { message: 'role must be one of system, developer, user, assistant' })
  role: (typeof OPENAI_ROLES)[number];

  @ApiProperty({
    description: 'A string, or an array of text parts `{"type":"text","text":"…"}`',
    oneOf: [
      { type: 'string' },
      {
        type: 'array',
        items: {
          type: 'object',
          properties: { type: { type: 'string', enum: ['text'] }, text: { type: 'string' } },
          required: ['type', 'text'],
        },
      },
    ],
  })
  content: unknown;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(OPENAI_LIMITS.nameChars)
  name?: string;
}

export class StreamOptionsDto {
  @ApiPropertyOptional({ description: 'Send a last chunk with the usage before [DONE]' })
  @IsOptional()
  @IsBoolean()
  include_usage?: boolean;
}

/**
 * POST /v1/chat/completions. The fields below are checked; any other field is passed to the
 * provider untouched.
 */
export class ChatCompletionRequestDto {
  @ApiPropertyOptional({
    default: 'vx11-auto',
    description:
      '`vx11-auto` runs the whole chain; a provider name (or `provider/model`) pins that provider',
  })
  @IsOptional()
  @IsString()
  @MaxLength(OPENAI_LIMITS.modelChars)
  model?: string;

  @ApiProperty({ type: [OpenAiMessageDto] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(OPENAI_LIMITS.messages)
  @ValidateNested({ each: true })
  @Type(() => OpenAiMessageDto)
  messages: OpenAiMessageDto[];

  @ApiPropertyOptional({ description: 'Answer as Server-Sent Events (`chat.completion.chunk`)' })
  @IsOptional()
  @IsBoolean()
  stream?: boolean;

  @ApiPropertyOptional({ type: StreamOptionsDto })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => StreamOptionsDto)
  stream_options?: StreamOptionsDto;

  @ApiPropertyOptional({ minimum: 1 })
  @IsOptional()
  @IsInt()
  @Min(1)
  max_tokens?: number;

  @ApiPropertyOptional({ minimum: 0, maximum: 2 })
  @IsOptional()
  @IsNumber()
  @Min(0)
  @Max(OPENAI_LIMITS.maxTemperature)
  temperature?: number;

  @ApiPropertyOptional({ minimum: 0, maximum: 1 })
  @IsOptional()
  @IsNumber()
  @Min(0)
  @Max(OPENAI_LIMITS.maxTopP)
  top_p?: number;

  @ApiPropertyOptional({
    description: 'Up to 4 stop sequences',
    oneOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' }, maxItems: 4 }],
  })
  stop?: unknown;

  @ApiPropertyOptional({ description: 'Records the exchange in the session `user:<user>`' })
  @IsOptional()
  @IsString()
  @MaxLength(OPENAI_LIMITS.userChars)
  user?: string;

  @ApiPropertyOptional({
    description: 'With a pinned provider: fall back along the chain when it fails',
  })
  @IsOptional()
  @IsBoolean()
  fallback?: boolean;
}
