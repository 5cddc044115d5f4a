import { Injectable, Module, OnModuleInit } from '@nestjs/common';
import { JOB_CATALOG, QueueSpec } from '../src/core/queue/job-catalog';
import { JobHandlers } from '../src/core/queue/job-handlers';
import { JobName, QueueName } from '../src/core/queue/queue-names';
import { bootCatalogApp } from './support/catalog-app';

/** A second handler for switch's chat jobs, as a careless new module might register. */
@Injectable()
class SecondChatHandler implements OnModuleInit {
  constructor(private readonly jobHandlers: JobHandlers) {}

  onModuleInit(): void {
    this.jobHandlers.register(QueueName.Switch, JobName.Chat, () => 'answered twice');
  }
}

@Module({ providers: [SecondChatHandler] })
class SecondChatModule {}

describe('one handler per job, checked at boot', () => {
  it('boots when every catalogued job has exactly one handler', async () => {
    const booted = await bootCatalogApp({});
    await booted.close();
  });

  it('fails the boot naming a catalogued job that no module handles', async () => {
    const switchQueue: QueueSpec = JOB_CATALOG[QueueName.Switch];
    const catalog = {
      ...JOB_CATALOG,
      [QueueName.Switch]: {
        ...switchQueue,
        jobs: {
          ...switchQueue.jobs,
          summarize: { attempts: 1, removeOnComplete: true, removeOnFail: true },
        },
      },
    };
    await expect(bootCatalogApp({ catalog })).rejects.toThrow(
      /Job handlers do not match the job catalog.*job switch\/summarize has no handler/,
    );
  });

  it('fails the boot naming a job that has two handlers', async () => {
    await expect(bootCatalogApp({ imports: [SecondChatModule] })).rejects.toThrow(
      /Job handlers do not match the job catalog.*job switch\/chat has 2 handlers/,
    );
  });
});
