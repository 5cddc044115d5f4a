import { normalizeText } from './intent-parser';
import type { Risk } from './plan.entity';
import type { StepType } from './plan-step.entity';

/** Destructive words (English and Spanish, without accents): HIGH. */
const HIGH_WORDS =
  /\b(delet\w*|drop\w*|destroy\w*|reset\w*|migrat\w*|restor\w*|stop|stops|stopp\w*|kill\w*|terminat\w*|wipe[sd]?|wiping|purg\w*|borr(a|ar|e|en|o|ado|ados|ando)|elimin\w*|destru\w*|resete\w*|restablec\w*|migr(a|ar|e|en|o|ado|ando|acion|aciones)|restaur\w*|deten\w*|detien\w*|parar|paren|pare|matar|mata|maten|termin(a|ar|e|en|ado|ando))\b/g;

/** Disruptive but recoverable words: MED. */
const MED_WORDS =
  /\b(restart\w*|reboot\w*|suspend\w*|clean ?up\w*|patch\w*|updat\w*|upgrad\w*|reinici\w*|rearranc\w*|limpi\w*|parche\w*|actualiz\w*)\b/g;

/** Steps that run a program on the host: MED at least. */
const PROGRAM_STEPS: readonly StepType[] = ['SPAWNER_REQUEST'];

export interface RiskAssessment {
  risk: Risk;
  reasons: string[];
}

const RANK: Record<Risk, number> = { LOW: 0, MED: 1, HIGH: 2 };

export const maxRisk = (a: Risk, b: Risk): Risk => (RANK[a] >= RANK[b] ? a : b);

/** The risk of a plan from the words of its intent and the types of its steps. */
export function assessRisk(
  texts: Array<string | null | undefined>,
  steps: StepType[],
): RiskAssessment {
  const reasons: string[] = [];
  let risk: Risk = 'LOW';
  for (const text of texts) {
    if (!text) continue;
    const plain = normalizeText(text);
    for (const m of plain.matchAll(HIGH_WORDS)) {
      reasons.push(`destructive word "${m[0]}"`);
      risk = 'HIGH';
    }
    for (const m of plain.matchAll(MED_WORDS)) {
      reasons.push(`disruptive word "${m[0]}"`);
      risk = maxRisk(risk, 'MED');
    }
  }
  for (const type of new Set(steps)) {
    if (PROGRAM_STEPS.includes(type)) {
      reasons.push(`step ${type} runs a program`);
      risk = maxRisk(risk, 'MED');
    }
  }
  return { risk, reasons: [...new Set(reasons)] };
}
