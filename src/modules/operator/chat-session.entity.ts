import { Column, Entity, PrimaryColumn } from 'typeorm';

@Entity('chat_sessions')
export class ChatSessionEntity {
  @PrimaryColumn('text')
  id: string;

  @Column('text')
  created_at: string;

  @Column('text')
  last_message_at: string;

  @Column('integer', { default: 0 })
  message_count: number;
}
