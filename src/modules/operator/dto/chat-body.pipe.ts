import { fastBodyPipe, hasOnlyFields, isPlainObject } from '../../../core/errors/fast-body-pipe';
import { OperatorChatDto, SESSION_ID } from './chat.dto';

/** A chat body the pipe let through: the fields of OperatorChatDto, as parsed from JSON. */
export interface OperatorChatBody {
  message: string;
  session_id?: string | null;
  stream?: boolean | null;
}

const FIELDS: ReadonlySet<string> = new Set(['message', 'session_id', 'stream']);

/** True only for a body the OperatorChatDto decorators accept (IsOptional lets null through). */
export function isAcceptedChatBody(body: unknown): body is OperatorChatBody {
  if (!isPlainObject(body) || !hasOnlyFields(body, FIELDS)) return false;
  const { message, session_id: session, stream } = body;
  return (
    typeof message === 'string' &&
    (session === undefined ||
      session === null ||
      (typeof session === 'string' && SESSION_ID.test(session))) &&
    (stream === undefined || stream === null || typeof stream === 'boolean')
  );
}

/** POST /operator/api/chat's body: checked by hand, refused by the full pipe. */
export const ChatBodyPipe = fastBodyPipe(OperatorChatDto, isAcceptedChatBody);
