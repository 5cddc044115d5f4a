import Database from 'better-sqlite3';
import { describeDatabase, renderDbMap } from './db-map';

describe('db map', () => {
  it('describes tables, columns, keys, indexes, row counts and owners', () => {
    const db = new Database(':memory:');
    db.exec(`
      CREATE TABLE chat_sessions (id text PRIMARY KEY NOT NULL, created_at text NOT NULL);
      CREATE TABLE chat_messages (id text PRIMARY KEY NOT NULL, session_id text NOT NULL,
        content text DEFAULT ('') ,
        FOREIGN KEY (session_id) REFERENCES chat_sessions (id) ON DELETE CASCADE);
      CREATE INDEX idx_chat_messages_session ON chat_messages (session_id);
      CREATE TABLE mystery (x integer);
      INSERT INTO chat_sessions VALUES ('s1', 't'), ('s2', 't');
      INSERT INTO chat_messages VALUES ('m1', 's1', 'hi');
    `);
    const schema = describeDatabase(db, new Date('2026-01-02T03:04:05.000Z'));
    db.close();

    expect(schema.generated_at).toBe('2026-01-02T03:04:05.000Z');
    expect(schema.tables.map((t) => [t.name, t.owner, t.row_count])).toEqual([
      ['chat_messages', 'operator', 1],
      ['chat_sessions', 'operator', 2],
      ['mystery', 'unknown', 0],
    ]);
    const messages = schema.tables[0];
    expect(messages.primary_key).toEqual(['id']);
    expect(messages.foreign_keys).toEqual([
      {
        columns: ['session_id'],
        references: 'chat_sessions',
        to_columns: ['id'],
        on_delete: 'CASCADE',
        on_update: 'NO ACTION',
      },
    ]);
    expect(messages.indexes).toEqual(
      expect.arrayContaining([
        { name: 'idx_chat_messages_session', unique: false, columns: ['session_id'] },
      ]),
    );
    expect(messages.columns[2]).toEqual({
      name: 'content',
      type: 'TEXT',
      not_null: false,
      default: "''",
      primary_key: false,
    });

    const md = renderDbMap(schema);
    expect(md).toContain('| chat_messages | operator | 1 | 3 |');
    expect(md).toContain('Foreign key (session_id) → chat_sessions(id) on delete CASCADE');
  });
});
