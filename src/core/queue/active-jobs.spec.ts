import { ActiveJobs } from './active-jobs';

describe('ActiveJobs', () => {
  it('is idle at once with no job, and once the last active job finishes', async () => {
    const jobs = new ActiveJobs();
    await expect(jobs.idle(10)).resolves.toBe(true);
    jobs.start('a');
    jobs.start('b');
    const idle = jobs.idle(1000);
    jobs.finish('a');
    jobs.finish('unknown');
    jobs.finish(undefined);
    expect(jobs.ids()).toEqual(['b']);
    jobs.finish('b');
    await expect(idle).resolves.toBe(true);
    expect(jobs.size).toBe(0);
  });

  it('gives up waiting after the timeout, naming what is still active', async () => {
    const jobs = new ActiveJobs();
    jobs.start('stuck');
    await expect(jobs.idle(10)).resolves.toBe(false);
    expect(jobs.ids()).toEqual(['stuck']);
  });
});
