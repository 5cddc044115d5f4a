/** The next time the clock reads `HH:MM` UTC, strictly after `now`. */
export function nextDailyRun(hhmm: string, now: Date): Date {
  const [h, m] = hhmm.split(':').map(Number);
  const next = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate(), h, m));
  if (next.getTime() <= now.getTime()) next.setUTCDate(next.getUTCDate() + 1);
  return next;
}

/** The same time as a cron pattern for BullMQ's job scheduler (evaluated in UTC). */
export function dailyCronPattern(hhmm: string): string {
  const [h, m] = hhmm.split(':').map(Number);
  return `${m} ${h} * * *`;
}
