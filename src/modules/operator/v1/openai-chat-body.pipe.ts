import { Injectable, PipeTransform } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { ApiError } from '../../../core/errors/api-error';
import { CoreErrors } from '../../../core/errors/core-errors';
import { nestsDeeperThan } from '../../../core/util/nesting';
import {
  flattenValidationErrors,
  invalidFields,
  MAX_BODY_DEPTH,
} from '../../../core/errors/validation-pipe';
import { ChatTurn } from '../../hermes/provider';
import { ChatCompletionRequestDto } from './openai-chat.dto';

/** A validated /v1/chat/completions request: the known fields, the turns, and the rest. */
export interface OpenAiChatRequest {
  body: ChatCompletionRequestDto;
  /** The messages as the providers get them (text parts joined, `developer` as `system`). */
  turns: ChatTurn[];
  /** Every field of the request, for the provider (VX11's own are dropped when it is called). */
  params: Record<string, unknown>;
}

/** Text of a message's content: a string, or text parts joined; undefined when neither. */
function textOf(content: unknown): string | undefined {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content) || content.length === 0) return undefined;
  const parts: string[] = [];
  for (const part of content as Array<{ type?: unknown; text?: unknown }>) {
    if (part?.type !== 'text' || typeof part.text !== 'string') return undefined;
    parts.push(part.text);
  }
  return parts.join('');
}

/** The request's fields class-transformer may recurse into: untyped ones are not handed to it. */
const TYPED_FIELDS = [
  'model',
  'messages',
  'stream',
  'stream_options',
  'max_tokens',
  'temperature',
  'top_p',
  'user',
  'fallback',
] as const;

/**
 * The typed fields only, each message without its content: class-transformer crashes on plain
 * objects with an own `constructor` key inside untyped values, so content, stop and unknown
 * fields are checked by hand from the raw body instead.
 */
function typedFields(raw: Record<string, unknown>): Record<string, unknown> {
  const typed: Record<string, unknown> = {};
  for (const field of TYPED_FIELDS) if (field in raw) typed[field] = raw[field];
  if (Array.isArray(raw.messages)) {
    typed.messages = raw.messages.map((m: unknown) =>
      typeof m === 'object' && m !== null && !Array.isArray(m)
        ? { role: (m as Record<string, unknown>).role, name: (m as Record<string, unknown>).name }
        : m,
    );
  }
  return typed;
}

function validStop(stop: unknown): boolean {
  if (stop === undefined || stop === null || typeof stop === 'string') return true;
  return Array.isArray(stop) && stop.length <= 4 && stop.every((s) => typeof s === 'string');
}

/**
 * Validates an OpenAI chat request like the global pipe validates DTOs (every bad field named,
 * 400 validation_failed), but keeps the fields it does not know: OpenAI's API has many, and
 * they are the provider's to read. (The global pipe skips this parameter: it is typed unknown.)
 */
@Injectable()
export class OpenAiChatBodyPipe implements PipeTransform<unknown, Promise<OpenAiChatRequest>> {
  async transform(value: unknown): Promise<OpenAiChatRequest> {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw new ApiError(CoreErrors.validation_failed, 'The body must be a JSON object');
    }
    if (nestsDeeperThan(value, MAX_BODY_DEPTH)) {
      throw new ApiError(
        CoreErrors.body_too_deep,
        `Input must not nest deeper than ${MAX_BODY_DEPTH} levels`,
      );
    }
    const raw = value as Record<string, unknown>;
    const body = plainToInstance(ChatCompletionRequestDto, typedFields(raw));
    const details = flattenValidationErrors(await validate(body, { forbidUnknownValues: false }));
    const turns: ChatTurn[] = [];
    const rawMessages = Array.isArray(raw.messages) ? (raw.messages as unknown[]) : [];
    (Array.isArray(body.messages) ? body.messages : []).forEach((m, i) => {
      const text = textOf((rawMessages[i] as { content?: unknown } | null)?.content);
      if (text === undefined) {
        details.push({
          field: `messages.${i}.content`,
          errors: ['content must be a string or an array of text parts'],
        });
        return;
      }
      turns.push({
        role: m.role === 'developer' ? 'system' : (m.role as ChatTurn['role']),
        content: text,
      });
    });
    if (!validStop(raw.stop)) {
      details.push({ field: 'stop', errors: ['stop must be a string or up to 4 strings'] });
    }
    if (details.length === 0 && !turns.some((t) => t.role === 'user')) {
      details.push({ field: 'messages', errors: ['messages must include a user message'] });
    }
    if (details.length > 0) {
      throw invalidFields(details);
    }
    body.stop = raw.stop;
    return { body, turns, params: { ...raw } };
  }
}
