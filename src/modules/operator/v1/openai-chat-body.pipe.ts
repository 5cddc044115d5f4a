import { Injectable, PipeTransform } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { ApiError } from '../../../core/errors/api-error';
import { CoreErrors } from '../../../core/errors/core-errors';
import { isPlainObject } from '../../../core/errors/fast-body-pipe';
import { nestsDeeperThan } from '../../../core/util/nesting';
import {
  flattenValidationErrors,
  invalidFields,
  MAX_BODY_DEPTH,
} from '../../../core/errors/validation-pipe';
import { ChatTurn } from '../../hermes/provider';
import { ChatCompletionRequestDto, OPENAI_LIMITS, OPENAI_ROLES } from './openai-chat.dto';

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

const ROLES: ReadonlySet<unknown> = new Set(OPENAI_ROLES);
type OpenAiRole = (typeof OPENAI_ROLES)[number];

/** The role a provider gets: OpenAI's `developer` is sent as `system`. */
const providerRole = (role: OpenAiRole): ChatTurn['role'] =>
  role === 'developer' ? 'system' : role;

/** A string class-validator's MaxLength(max) accepts (it counts a surrogate pair as one). */
const shortString = (value: unknown, max: number): boolean =>
  typeof value === 'string' && value.length <= max;
const absentOr = (value: unknown, valid: (v: unknown) => boolean): boolean =>
  value === undefined || valid(value);
const numberIn = (min: number, max: number) => (v: unknown) =>
  typeof v === 'number' && v >= min && v <= max;

/**
 * The common valid request recognised by hand, with its turns: class-transformer and
 * class-validator cost ~0.1 ms per request (bench/README.md item 37). Undefined for anything
 * unusual (null fields, long strings, a bad field), which the full check then decides; it must
 * never accept what the full check refuses (the spec compares both on a corpus).
 */
export function acceptedByHand(raw: Record<string, unknown>): ChatTurn[] | undefined {
  const messages = raw.messages;
  if (!Array.isArray(messages) || messages.length < 1 || messages.length > OPENAI_LIMITS.messages)
    return undefined;
  const turns: ChatTurn[] = [];
  let hasUser = false;
  for (const message of messages as unknown[]) {
    if (!isPlainObject(message) || !ROLES.has(message.role)) return undefined;
    if (!absentOr(message.name, (v) => shortString(v, OPENAI_LIMITS.nameChars))) return undefined;
    const content = textOf(message.content);
    if (content === undefined) return undefined;
    const role = providerRole(message.role as OpenAiRole);
    hasUser ||= role === 'user';
    turns.push({ role, content });
  }
  const options = raw.stream_options;
  const valid =
    hasUser &&
    absentOr(raw.model, (v) => shortString(v, OPENAI_LIMITS.modelChars)) &&
    absentOr(raw.stream, (v) => typeof v === 'boolean') &&
    absentOr(
      options,
      (v) => isPlainObject(v) && absentOr(v.include_usage, (u) => typeof u === 'boolean'),
    ) &&
    absentOr(raw.max_tokens, (v) => Number.isInteger(v) && (v as number) >= 1) &&
    absentOr(raw.temperature, numberIn(0, OPENAI_LIMITS.maxTemperature)) &&
    absentOr(raw.top_p, numberIn(0, OPENAI_LIMITS.maxTopP)) &&
    absentOr(raw.user, (v) => shortString(v, OPENAI_LIMITS.userChars)) &&
    absentOr(raw.fallback, (v) => typeof v === 'boolean') &&
    validStop(raw.stop);
  return valid ? turns : undefined;
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
    const turns = acceptedByHand(raw);
    // checked by hand: no class-transformer, whose instances no caller needs
    if (turns)
      return this.request(typedFields(raw) as unknown as ChatCompletionRequestDto, raw, turns);
    return this.checkFully(raw);
  }

  /** class-transformer and class-validator: every bad field named, as the global pipe does. */
  private async checkFully(raw: Record<string, unknown>): Promise<OpenAiChatRequest> {
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
        role: providerRole(m.role),
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
    return this.request(body, raw, turns);
  }

  private request(
    body: ChatCompletionRequestDto,
    raw: Record<string, unknown>,
    turns: ChatTurn[],
  ): OpenAiChatRequest {
    body.stop = raw.stop;
    return { body, turns, params: { ...raw } };
  }
}
