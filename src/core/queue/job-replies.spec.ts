import { JobReplies } from './job-replies';

describe('JobReplies', () => {
  it('hands a completed job result to its waiter, once', async () => {
    const replies = new JobReplies();
    const waiting = replies.expect<string>('j1', 1000);
    replies.resolve('j1', 'done');
    replies.resolve('j1', 'again');
    await expect(waiting).resolves.toBe('done');
    expect(replies.pending).toBe(0);
  });

  it('rejects on a failed job and on timeout', async () => {
    const replies = new JobReplies();
    const failed = replies.expect('j2', 1000);
    replies.reject('j2', new Error('provider down'));
    await expect(failed).rejects.toThrow('provider down');
    await expect(replies.expect('j3', 10)).rejects.toThrow('no result within 10 ms');
    expect(replies.pending).toBe(0);
  });

  it('ignores results nobody waits for', () => {
    const replies = new JobReplies();
    expect(replies.resolve('unknown', 1)).toBe(false);
    expect(replies.resolve(undefined, 1)).toBe(false);
  });

  it('says whether a waiter took the result (the worker then defers its bookkeeping)', async () => {
    const replies = new JobReplies();
    const answer = replies.expect('j4', 1000);
    expect(replies.resolve('j4', 'hi')).toBe(true);
    expect(replies.resolve('j4', 'again')).toBe(false);
    await expect(answer).resolves.toBe('hi');
  });
});
