/**
 * The deterministic keyword parser: free text (English or Spanish) → a domain, an action and,
 * when the text names one, a target module. No model involved, so the same text always makes
 * the same plan.
 */

export type IntentAction =
  'healthcheck' | 'chat' | 'open_window' | 'close_window' | 'run_maintenance' | 'spawn';

export type IntentDomain = 'system' | 'chat' | 'power' | 'maintenance' | 'spawner';

export interface ParsedIntent {
  domain: IntentDomain;
  action: IntentAction;
  /** A module the text names (switch, spawner, ...), if any. */
  target: string | null;
  /** The keywords that decided the action. */
  matched: string[];
  language: 'en' | 'es' | 'unknown';
}

const DOMAIN_OF: Record<IntentAction, IntentDomain> = {
  healthcheck: 'system',
  chat: 'chat',
  open_window: 'power',
  close_window: 'power',
  run_maintenance: 'maintenance',
  spawn: 'spawner',
};

/** Lower case without diacritics, so "áéíóúñ" match their plain forms. */
export function normalizeText(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase();
}

const MODULES: Array<[string, RegExp]> = [
  ['switch', /\bswitch\b/],
  ['hermes', /\bhermes\b/],
  ['hormiguero', /\bhormiguero\b/],
  ['manifestator', /\bmanifestator\b/],
  ['mcp', /\bmcp\b/],
  ['shubniggurath', /\bshub(niggurath)?\b/],
  ['spawner', /\bspawner\b/],
];

interface Rule {
  action: IntentAction;
  en: RegExp;
  es: RegExp;
}

// Order matters: the first rule with a hit decides.
const RULES: Rule[] = [
  {
    action: 'close_window',
    en: /\b(close|shut)\b.*\bwindow\b|\b(put|send)\b.*\bto sleep\b|\bclose (the )?window\b/,
    es: /\b(cerrar|cierra|cierre)\b.*\bventana\b|\b(dormir|duerme|apagar|apaga)\b/,
  },
  {
    action: 'open_window',
    en: /\b(open|start)\b.*\bwindow\b|\b(wake|wakes|waking|power on|turn on)\b/,
    es: /\b(abrir|abre|abra)\b.*\bventana\b|\b(despertar|despierta|encender|enciende|activar|activa)\b/,
  },
  {
    action: 'spawn',
    en: /\b(spawn|execute|launch)\b|\brun (the )?(program|command)\b/,
    es: /\b(ejecutar|ejecuta|lanzar|lanza)\b|\bcorrer (el )?(programa|comando)\b/,
  },
  {
    action: 'run_maintenance',
    en: /\b(maintenance|backups?|integrity|vacuum|database|db|restore|restoring|clean ?up|retention|checkpoint)\b/,
    es: /\b(mantenimiento|respaldos?|copias? de seguridad|integridad|base de datos|restaurar|restaura|limpieza|limpiar|retencion)\b/,
  },
  {
    action: 'healthcheck',
    en: /\b(status|health|healthcheck|check|diagnos\w*|how are (you|things))\b/,
    es: /\b(estado|salud|comprobar|comprueba|revisar|revisa|diagnostic\w*|como estas|como va)\b/,
  },
];

const SPANISH_HINTS = /\b(el|la|los|las|de|del|por favor|que|una?|hola|y|es|esta)\b|[¿¡]/;

/** Parses free text; text that asks for nothing VX11 does itself becomes a chat. */
export function parseIntentText(text: string): ParsedIntent {
  const plain = normalizeText(text);
  const target = MODULES.find(([, re]) => re.test(plain))?.[0] ?? null;
  let language: ParsedIntent['language'] = SPANISH_HINTS.test(plain) ? 'es' : 'unknown';
  for (const rule of RULES) {
    const es = rule.es.exec(plain);
    const en = rule.en.exec(plain);
    const hit = es ?? en;
    if (!hit) continue;
    if (es && !en) language = 'es';
    else if (en && !es && language === 'unknown') language = 'en';
    // "wake switch" and "despierta spawner" need a module to open a window for.
    if (rule.action === 'open_window' && !target && !/\b(window|ventana)\b/.test(plain)) continue;
    return {
      domain: DOMAIN_OF[rule.action],
      action: rule.action,
      target,
      matched: [hit[0].trim()],
      language,
    };
  }
  if (language === 'unknown' && /[a-z]/.test(plain)) language = 'en';
  return { domain: 'chat', action: 'chat', target, matched: [], language };
}
