import { CliContext } from '../cli-context';

interface PrintableStep {
  ok: boolean;
  duration_ms?: number;
  error?: string;
  [detail: string]: unknown;
}

/** One line per step: the mark, the name, its time and the one detail that matters. */
function summary(name: string, step: PrintableStep): string {
  if (step.error) return step.error;
  switch (name) {
    case 'quick_check':
    case 'integrity_check':
      return (step.result as string[] | undefined)?.slice(0, 3).join('; ') ?? '';
    case 'foreign_key_check':
      return `${step.violations} violation(s)`;
    case 'retention':
      return step.applied ? 'applied' : 'not applied';
    case 'backup':
      return `${step.name} (integrity_check ok)`;
    case 'rotation':
      return `kept ${(step.kept as string[]).length}, archived ${(step.archived as string[]).length}, deleted ${(step.deleted as string[]).length}`;
    case 'db_map':
      return `${step.tables} tables, ${step.total_rows} rows`;
    case 'scorecard':
      return `${step.score_pct}% (${step.passed}/${step.total} gates)`;
    default:
      return '';
  }
}

export function printReport(
  ctx: CliContext,
  head: string,
  report: Record<string, PrintableStep> | null | undefined,
): void {
  ctx.out(head);
  for (const [name, step] of Object.entries(report ?? {})) {
    ctx.out(
      `  ${step.ok ? '✓' : '✗'} ${name.padEnd(18)} ${String(step.duration_ms ?? '').padStart(6)} ms  ${summary(name, step)}`,
    );
  }
}
