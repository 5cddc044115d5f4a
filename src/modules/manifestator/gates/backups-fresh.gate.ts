import { failed, GateResult, ok } from './gate';

export interface NewestBackup {
  name: string;
  created_at: string;
  bytes: number;
  has_checksum: boolean;
}

/**
 * backups_fresh: the newest backup (only copies that passed integrity_check are renamed into
 * place, and each gets a .sha256 beside it) is younger than the configured age.
 */
export function backupsFresh(
  newest: NewestBackup | undefined,
  maxAgeSec: number,
  now: Date = new Date(),
): GateResult {
  if (!newest) {
    return failed('no verified backup yet (POST /madre/power/maintenance/post_task makes one)', {
      max_age_sec: maxAgeSec,
    });
  }
  const ageSec = Math.round((now.getTime() - Date.parse(newest.created_at)) / 1000);
  const evidence = {
    newest: newest.name,
    created_at: newest.created_at,
    age_sec: ageSec,
    max_age_sec: maxAgeSec,
    bytes: newest.bytes,
    has_checksum: newest.has_checksum,
  };
  if (!newest.has_checksum) return failed(`${newest.name} has no .sha256 beside it`, evidence);
  if (ageSec > maxAgeSec) {
    return failed(`the newest backup is ${ageSec} s old, over ${maxAgeSec} s`, evidence);
  }
  return ok(evidence);
}
