import { createHash } from 'node:crypto';

/** The stable id of an incident: the same kind, title and source always give the same id. */
export function incidentId(kind: string, title: string, source: string): string {
  return createHash('sha256').update(`${kind}\n${title}\n${source}`).digest('hex').slice(0, 24);
}

/** The incident the health monitor keeps for one module. */
export function healthIncident(module: string) {
  const kind = 'health_check';
  const title = `${module} health check failing`;
  return { kind, title, source: module, id: incidentId(kind, title, module) };
}
