import {
  applyDecorators,
  Body,
  Controller,
  Get,
  Headers,
  HttpCode,
  Post,
  Req,
  Res,
} from '@nestjs/common';
import {
  ApiBody,
  ApiHeader,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiResponse,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ServedWhileDraining } from '../../../core/http/http-drain';
import { OpenAiChatBodyPipe, OpenAiChatRequest } from './openai-chat-body.pipe';
import { ChatCompletionRequestDto } from './openai-chat.dto';
import { OpenAiChatService } from './openai-chat.service';
import { ChatCompletionDto, OpenAiErrorDto, OpenAiModelListDto } from './openai-responses.dto';

/** Errors here are documented in OpenAI's shape, which is what these routes answer. */
const OpenAiErrors = (...specs: Array<[number, string]>) =>
  applyDecorators(
    ...specs.map(([status, description]) =>
      ApiResponse({ status, description, type: OpenAiErrorDto }),
    ),
  );

const WRONG_KEY: [number, string] = [
  401,
  'No token, or a wrong one (auth_required, invalid_api_key): AuthenticationError in the SDKs',
];

/**
 * The OpenAI-compatible API: point any OpenAI client at http://HOST:PORT/v1 with the VX11 token
 * as its key. Errors here take OpenAI's shape (`{"error":{"message","type","code"}}`).
 */
@ApiTags('operator')
@Controller('v1')
export class OpenAiController {
  constructor(private readonly openai: OpenAiChatService) {}

  @ApiOperation({
    operationId: 'openaiListModels',
    summary: 'Models: vx11-auto (the whole chain) and every provider’s model',
  })
  @ApiOkResponse({ type: OpenAiModelListDto })
  @OpenAiErrors(WRONG_KEY, [
    429,
    'Too many failed token attempts from this address (rate_limit_error)',
  ])
  @Get('models')
  models() {
    return this.openai.models();
  }

  // CONTRACT §4: the chain never answers 5xx, not even during a graceful shutdown.
  @ApiOperation({
    operationId: 'openaiChatCompletions',
    summary: 'OpenAI chat completions over the chain switch → madre → local (stream or not)',
    description:
      'With `"stream": true`: text/event-stream of `chat.completion.chunk` events, then ' +
      '`data: [DONE]`; a provider that breaks off after the first chunk ends the stream with an ' +
      'error event instead. Headers: x-vx11-fallback-source, x-vx11-provider, x-correlation-id.',
  })
  @ApiBody({ type: ChatCompletionRequestDto })
  @ApiHeader({
    name: 'x-vx11-session-id',
    required: false,
    description: 'Record the exchange in this chat session',
  })
  @ApiProduces('application/json', 'text/event-stream')
  @ApiOkResponse({ type: ChatCompletionDto })
  @OpenAiErrors(
    [400, 'Invalid request (validation_failed): BadRequestError'],
    WRONG_KEY,
    [404, 'No such model (model_not_found): NotFoundError'],
    [413, 'Body over bodyLimitBytes (payload_too_large)'],
    [429, 'Over the chat rate (rate_limited, Retry-After): RateLimitError'],
  )
  @Post('chat/completions')
  @HttpCode(200)
  @ServedWhileDraining()
  completions(
    @Body(OpenAiChatBodyPipe) request: OpenAiChatRequest,
    @Headers('x-vx11-session-id') sessionHeader: string | undefined,
    @Req() http: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    return this.openai.complete(
      request,
      { correlationId: String(http.id), clientAddress: http.ip, sessionHeader },
      reply,
    );
  }
}
