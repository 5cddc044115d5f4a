import { Column, Entity, Index, ManyToOne, JoinColumn, PrimaryColumn } from 'typeorm';
import { ChatSessionEntity } from './chat-session.entity';
import type { FallbackSource } from '../madre/chat/fallback-source';

/** One chat message, user or assistant, with where its answer came from. */
@Entity('chat_messages')
@Index('idx_chat_messages_session_ts', ['session_id', 'timestamp'])
export class ChatMessageEntity {
  @PrimaryColumn('text')
  id: string;

  @Column('text')
  session_id: string;

  @ManyToOne(() => ChatSessionEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'session_id' })
  session?: ChatSessionEntity;

  @Column('text')
  role: 'user' | 'assistant';

  @Column('text')
  content: string;

  @Column('text')
  timestamp: string;

  @Column('text')
  correlation_id: string;

  @Column('text', { nullable: true })
  fallback_source: FallbackSource | null;

  @Column('text', { nullable: true })
  provider: string | null;

  @Column('text', { nullable: true })
  model: string | null;

  @Column('integer', { nullable: true })
  tokens_used: number | null;

  @Column('real', { nullable: true })
  latency_ms: number | null;
}
