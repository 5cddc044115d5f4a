/** Every BullMQ queue of VX11. What each carries, and how, is in job-catalog.ts. */
export enum QueueName {
  Switch = 'switch',
  Madre = 'madre',
  Power = 'power',
  Maintenance = 'maintenance',
  Health = 'health',
  Shub = 'shub',
  Plans = 'plans',
  Hormiguero = 'hormiguero',
}

/** Every job name of VX11; a name is unique within its queue (chat runs on two). */
export enum JobName {
  /** A chat routed through a tier: switch's first, madre's as the fallback. */
  Chat = 'chat',
  /** A window's deadline (power queue). */
  WindowExpire = 'window-expire',
  /** One health-monitor cycle, repeated every interval. */
  HealthCycle = 'health-cycle',
  /** A maintenance run asked for by the operator or the CLI. */
  MaintenanceRun = 'maintenance-run',
  /** The nightly maintenance run. */
  MaintenanceNightly = 'maintenance-nightly',
  /** One uploaded audio file to analyse. */
  ShubAnalyze = 'analyze',
  /** A madre plan to run (or resume), step by step. */
  PlanRun = 'plan-run',
  /** One hormiguero ant's scan (data: {ant}), repeated per ant while hormiguero is active. */
  HormigueroScan = 'hormiguero-scan',
}
