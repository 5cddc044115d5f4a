import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class OpenAiModelDto {
  @ApiProperty({ example: 'vx11-auto' }) id: string;
  @ApiProperty({ enum: ['model'] }) object: 'model';
  @ApiProperty({ description: 'Epoch seconds' }) created: number;
  @ApiProperty({ example: 'vx11' }) owned_by: string;
}

export class OpenAiModelListDto {
  @ApiProperty({ enum: ['list'] }) object: 'list';
  @ApiProperty({ type: [OpenAiModelDto] }) data: OpenAiModelDto[];
}

export class OpenAiAnswerMessageDto {
  @ApiProperty({ enum: ['assistant'] }) role: 'assistant';
  @ApiProperty() content: string;
  @ApiProperty({ type: 'string', nullable: true }) refusal: string | null;
}

export class OpenAiChoiceDto {
  @ApiProperty() index: number;
  @ApiProperty({ type: OpenAiAnswerMessageDto }) message: OpenAiAnswerMessageDto;
  @ApiProperty({ type: String, nullable: true, description: 'Always null' })
  logprobs: null;
  @ApiProperty({ example: 'stop' }) finish_reason: string;
}

export class OpenAiUsageDto {
  @ApiProperty() prompt_tokens: number;
  @ApiProperty() completion_tokens: number;
  @ApiProperty() total_tokens: number;
}

export class ChatCompletionDto {
  @ApiProperty({ example: 'chatcmpl-0f3c…' }) id: string;
  @ApiProperty({ enum: ['chat.completion'] }) object: 'chat.completion';
  @ApiProperty({ description: 'Epoch seconds' }) created: number;
  @ApiProperty({ description: 'The model that answered' }) model: string;
  @ApiProperty({ type: [OpenAiChoiceDto] }) choices: OpenAiChoiceDto[];
  @ApiProperty({ type: OpenAiUsageDto }) usage: OpenAiUsageDto;
  @ApiPropertyOptional({ description: 'The session the exchange was recorded in' })
  vx11_session_id?: string;
  @ApiPropertyOptional({ description: 'Why a tier or provider was passed over' })
  vx11_fallback_reason?: string;
}

export class OpenAiErrorDetailDto {
  @ApiProperty({ example: 'Invalid fields: messages' }) message: string;
  @ApiProperty({
    example: 'invalid_request_error',
    description:
      'invalid_request_error, authentication_error, permission_error, rate_limit_error or server_error',
  })
  type: string;
  @ApiProperty({ example: 'validation_failed', description: 'VX11’s error code' }) code: string;
  @ApiProperty({ type: String, nullable: true, example: 'messages' }) param: string | null;
}

/** Errors of the /v1 API, in OpenAI's shape (the correlation id is in x-correlation-id). */
export class OpenAiErrorDto {
  @ApiProperty({ type: OpenAiErrorDetailDto }) error: OpenAiErrorDetailDto;
}
