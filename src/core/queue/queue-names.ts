/** Every BullMQ queue of VX11, in one place. */
export enum QueueName {
  Switch = 'switch',
  Madre = 'madre',
  Power = 'power',
  Maintenance = 'maintenance',
  Health = 'health',
  Hormiguero = 'hormiguero',
}

/** Default job options: keep a bounded tail of finished jobs so waitUntilFinished can read results. */
export const DEFAULT_JOB_OPTIONS = {
  removeOnComplete: { count: 1000 },
  removeOnFail: { count: 1000 },
} as const;
