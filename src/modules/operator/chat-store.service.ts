import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { nativeDb } from '../../core/database/native-db';
import { ApiError } from '../../core/errors/api-error';
import { ChatErrors } from './chat-errors';
import { ChatMessageEntity } from './chat-message.entity';
import { ChatSessionEntity } from './chat-session.entity';

/** Sessions and their messages in SQLite. */
@Injectable()
export class ChatStore {
  private appendTx: ((message: ChatMessageEntity) => void) | undefined;

  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** Stores a message and creates or bumps its session, atomically. */
  async append(message: ChatMessageEntity): Promise<void> {
    this.appendTx ??= this.prepareAppend();
    this.appendTx(message);
  }

  private prepareAppend(): (message: ChatMessageEntity) => void {
    const sqlite = nativeDb(this.db);
    const upsertSession = sqlite.prepare(
      `INSERT INTO chat_sessions (id, created_at, last_message_at, message_count) VALUES (?, ?, ?, 1)
       ON CONFLICT(id) DO UPDATE SET last_message_at = excluded.last_message_at, message_count = message_count + 1`,
    );
    const insertMessage = sqlite.prepare(
      `INSERT INTO chat_messages (id, session_id, role, content, timestamp, correlation_id, fallback_source,
         provider, model, tokens_used, latency_ms)
       VALUES (@id, @session_id, @role, @content, @timestamp, @correlation_id, @fallback_source,
         @provider, @model, @tokens_used, @latency_ms)`,
    );
    return sqlite.transaction((m: ChatMessageEntity) => {
      upsertSession.run(m.session_id, m.timestamp, m.timestamp);
      insertMessage.run(m);
    });
  }

  /** The session's last `limit` messages, oldest first ([] for an unknown session). */
  async recent(sessionId: string, limit: number): Promise<ChatMessageEntity[]> {
    const rows = await this.db.getRepository(ChatMessageEntity).find({
      where: { session_id: sessionId },
      order: { timestamp: 'DESC', role: 'ASC' },
      take: limit,
    });
    return rows.reverse();
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
