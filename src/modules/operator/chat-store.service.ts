import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { GroupCommit } from '../../core/database/group-commit';
import { nativeDb } from '../../core/database/native-db';
import { ApiError } from '../../core/errors/api-error';
import { ChatErrors } from './chat-errors';
import { ChatMessageEntity } from './chat-message.entity';
import { ChatSessionEntity } from './chat-session.entity';

/** What the chat context needs of a stored message. */
export type ContextMessage = Pick<ChatMessageEntity, 'role' | 'content'>;

/**
 * Sessions and their messages in SQLite. The chat path's statements are prepared once on the
 * native connection: TypeORM's query builder cost more per chat than the query itself.
 */
@Injectable()
export class ChatStore {
  private statements: ReturnType<ChatStore['prepare']> | undefined;

  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /**
   * Stores a message and creates or bumps its session, atomically, in the next group commit;
   * resolves once committed.
   */
  append(message: ChatMessageEntity): Promise<void> {
    const { upsertSession, insertMessage } = this.prepared();
    return GroupCommit.of(this.db).run(() => {
      upsertSession.run(message.session_id, message.timestamp, message.timestamp);
      insertMessage.run(message);
    });
  }

  /** The session's last `limit` messages, oldest first ([] for an unknown session). */
  async recent(sessionId: string, limit: number): Promise<ContextMessage[]> {
    return this.prepared().recent.all(sessionId, limit).reverse();
  }

  private prepared() {
    this.statements ??= this.prepare();
    return this.statements;
  }

  private prepare() {
    const sqlite = nativeDb(this.db);
    return {
      upsertSession: sqlite.prepare<[string, string, string]>(
        `INSERT INTO chat_sessions (id, created_at, last_message_at, message_count) VALUES (?, ?, ?, 1)
         ON CONFLICT(id) DO UPDATE SET last_message_at = excluded.last_message_at, message_count = message_count + 1`,
      ),
      insertMessage: sqlite.prepare<[ChatMessageEntity]>(
        `INSERT INTO chat_messages (id, session_id, role, content, timestamp, correlation_id, fallback_source,
           provider, model, tokens_used, latency_ms)
         VALUES (@id, @session_id, @role, @content, @timestamp, @correlation_id, @fallback_source,
           @provider, @model, @tokens_used, @latency_ms)`,
      ),
      // the same order as the session view (timestamp, the user message before its answer)
      recent: sqlite.prepare<[string, number], ContextMessage>(
        `SELECT role, content FROM chat_messages WHERE session_id = ?
         ORDER BY timestamp DESC, role ASC LIMIT ?`,
      ),
    };
  }

  async session(id: string) {
    const session = await this.db.getRepository(ChatSessionEntity).findOneBy({ id });
    if (!session) throw new ApiError(ChatErrors.session_not_found, `No chat session ${id}`);
    const messages = await this.db
      .getRepository(ChatMessageEntity)
      .find({ where: { session_id: id }, order: { timestamp: 'ASC', role: 'DESC' } });
    return {
      session_id: session.id,
      created_at: session.created_at,
      message_count: session.message_count,
      messages: messages.map((m) => ({
        message_id: m.id,
        role: m.role,
        content: m.content,
        timestamp: m.timestamp,
        correlation_id: m.correlation_id,
        ...(m.role === 'assistant'
          ? {
              fallback_source: m.fallback_source,
              provider: m.provider,
              model: m.model,
              latency_ms: m.latency_ms,
            }
          : {}),
      })),
    };
  }
}
