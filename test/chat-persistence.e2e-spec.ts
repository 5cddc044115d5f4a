import { getDataSourceToken } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { bootApp, TestApp, waitFor } from './support/test-app';

interface Incident {
  id: string;
  kind: string;
  source: string;
  severity: string;
  status: string;
  count: number;
  detail: string;
}

describe('chat when its messages cannot be stored', () => {
  let t: TestApp;
  let db: DataSource;
  beforeAll(async () => {
    t = await bootApp();
    db = t.app.get<DataSource>(getDataSourceToken());
  });
  afterAll(() => t.close());

  const chat = (message: string, session_id: string) =>
    t.http().post('/operator/api/chat').set(t.auth).send({ message, session_id });
  const incident = async () => {
    const res = await t.http().get('/operator/api/incidents').set(t.auth).expect(200);
    return (res.body.incidents as Incident[]).find((i) => i.kind === 'chat_persistence');
  };
  // A real SQLite failure inside ChatStore's insert, as a full disk or a broken file would give.
  const refuseWrites = () =>
    db.query(
      `CREATE TRIGGER refuse_chat_messages BEFORE INSERT ON chat_messages
       BEGIN SELECT RAISE(ABORT, 'chat_messages refused by the test'); END`,
    );
  const allowWrites = () => db.query('DROP TRIGGER refuse_chat_messages');

  it('still answers 200, stores nothing, and reports the loss as one incident and a metric', async () => {
    await refuseWrites();
    try {
      const res = await chat('status', 'unstored-1').expect(200);
      expect(res.body).toMatchObject({
        session_id: 'unstored-1',
        fallback_source: 'local_llm_degraded',
        degraded: true,
      });
      expect(res.body.response).toContain('mode solo_madre');

      const open = await waitFor(incident, 5000);
      expect(open).toMatchObject({ source: 'operator', severity: 'error', status: 'open' });
      expect(open!.detail).toContain('user message');
      expect(open!.detail).toContain(`assistant message ${res.body.message_id} not stored`);
      expect(open!.detail).toContain('chat_messages refused by the test');
      await t.http().get('/operator/session/unstored-1').set(t.auth).expect(404);
      const metrics = (await t.http().get('/metrics').expect(200)).text;
      expect(metrics).toMatch(/vx11_chat_persist_failures_total\{role="user"\} 1\b/);
      expect(metrics).toMatch(/vx11_chat_persist_failures_total\{role="assistant"\} 1\b/);

      // A second failure refreshes the same incident instead of opening another.
      await chat('hello again', 'unstored-2').expect(200);
      await waitFor(async () => (await incident())?.count === 2, 5000);
    } finally {
      await allowWrites();
    }

    // Once the store works again chats are kept, and nothing more is reported.
    const stored = await chat('stored now', 'stored-1').expect(200);
    const session = await t.http().get('/operator/session/stored-1').set(t.auth).expect(200);
    expect(session.body.messages.map((m: { message_id: string }) => m.message_id)).toContain(
      stored.body.message_id,
    );
    expect((await incident())?.count).toBe(2);
  });
});
