import { Job, UnrecoverableError } from 'bullmq';
import { JOB_CATALOG, JobCatalog, JobSpec } from './job-catalog';
import { JobHandlers } from './job-handlers';
import { JobName, QueueName } from './queue-names';

const ONCE: JobSpec = { attempts: 1, removeOnComplete: true, removeOnFail: true };
const catalog = new JobCatalog({
  [QueueName.Switch]: { owner: 'switch', concurrency: 1, jobs: { [JobName.Chat]: ONCE } },
  [QueueName.Health]: { owner: 'madre', concurrency: 1, jobs: { [JobName.HealthCycle]: ONCE } },
});
const jobNamed = (name: string) => ({ name, data: {} }) as Job;

describe('JobHandlers', () => {
  it('passes the check when each catalogued job has exactly one handler, and dispatches by name', async () => {
    const handlers = new JobHandlers(catalog);
    handlers.register(QueueName.Switch, JobName.Chat, () => 'chat answered');
    handlers.register(QueueName.Health, JobName.HealthCycle, () => 'cycle run');
    expect(() => handlers.check()).not.toThrow();
    await expect(handlers.processor(QueueName.Switch)(jobNamed('chat'))).resolves.toBe(
      'chat answered',
    );
    // A name the queue does not carry fails its job for good instead of being retried.
    await expect(handlers.processor(QueueName.Switch)(jobNamed('health-cycle'))).rejects.toThrow(
      new UnrecoverableError('no handler for job switch/health-cycle'),
    );
  });

  it('names every job without exactly one handler, and every handler without a job', () => {
    const handlers = new JobHandlers(catalog);
    handlers.register(QueueName.Switch, JobName.Chat, () => 'first');
    handlers.register(QueueName.Switch, JobName.Chat, () => 'second');
    handlers.register(QueueName.Shub, JobName.ShubAnalyze, () => 'uncatalogued');
    expect(() => handlers.check()).toThrow(
      'Job handlers do not match the job catalog (src/core/queue/job-catalog.ts): ' +
        'job switch/chat has 2 handlers; job health/health-cycle has no handler; ' +
        'job shub/analyze has a handler but is not catalogued',
    );
  });

  it('starts no worker before the check, and takes no handler after it', () => {
    const handlers = new JobHandlers(catalog);
    handlers.register(QueueName.Switch, JobName.Chat, () => 'chat answered');
    handlers.register(QueueName.Health, JobName.HealthCycle, () => 'cycle run');
    expect(() => handlers.processor(QueueName.Switch)).toThrow('before the handler check');
    handlers.check();
    expect(() => handlers.register(QueueName.Switch, JobName.Chat, () => 'late')).toThrow(
      'handler for job switch/chat registered after boot',
    );
  });
});

describe('JOB_CATALOG', () => {
  it('carries every job name of VX11 on some queue', () => {
    const carried = new Set(Object.values(JOB_CATALOG).flatMap((q) => Object.keys(q.jobs)));
    expect([...carried].sort()).toEqual(Object.values(JobName).sort());
  });
});
