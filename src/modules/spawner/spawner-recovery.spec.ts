import { bootId, readProcStat } from './process-tree';
import { targetOf } from './spawner-recovery';
import { SpawnerRunEntity } from './spawner-run.entity';

const rowWith = (pid: number | null, procStart: string | null) =>
  ({ id: 'run-1', pid, proc_start: procStart }) as SpawnerRunEntity;

describe('targetOf (restart recovery)', () => {
  const self = readProcStat(process.pid)!;

  it('trusts the group when its leader is the very process the run started', () => {
    const target = targetOf(rowWith(process.pid, `${bootId()}:${self.startTicks}`));
    expect(target).toEqual({
      runId: 'run-1',
      pgid: process.pid,
      startTicks: self.startTicks,
      trustGroup: true,
    });
  });

  it('does not trust a pid that now belongs to a process started at another time (reuse)', () => {
    const target = targetOf(rowWith(process.pid, `${bootId()}:${self.startTicks + 1}`));
    expect(target).toMatchObject({ trustGroup: false });
  });

  it('has nothing to look for after a reboot or without a recorded start', () => {
    expect(targetOf(rowWith(process.pid, `another-boot:${self.startTicks}`))).toBeNull();
    expect(targetOf(rowWith(process.pid, null))).toBeNull();
    expect(targetOf(rowWith(null, null))).toBeNull();
  });
});
