import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { failed, GateResult, listSome, ok } from './gate';

/** Keys whose value is a secret when it is not an environment variable's name. */
const SECRET_KEY =
  /(^|[_.-])(token|secret|password|passwd|pwd|api[_-]?key|apikey|private[_-]?key|credentials?|auth)$/i;
/** Keys that by design hold the name of an environment variable. */
const ENV_NAME_KEY = /(_env|Env|Envs|_envs)$/;
const ENV_VAR_NAME = /^[A-Z_][A-Z0-9_]*$/;

/** Value shapes that are secrets wherever they appear. */
const SECRET_VALUES: Array<[string, RegExp]> = [
  ['openai_style_key', /\bsk-[A-Za-z0-9_-]{16,}/],
  ['github_token', /\bgh[pousr]_[A-Za-z0-9]{20,}/],
  ['aws_access_key', /\bAKIA[0-9A-Z]{16}\b/],
  ['slack_token', /\bxox[abposr]-[A-Za-z0-9-]{10,}/],
  ['private_key_block', /-----BEGIN [A-Z ]*PRIVATE KEY-----/],
  ['jwt', /\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\./],
  ['url_with_password', /^[a-z][a-z0-9+.-]*:\/\/[^/\s:@]*:[^/\s@]+@/i],
];

export interface SecretFinding {
  where: string;
  path: string;
  rule: string;
}

/** Walks a parsed JSON value and reports secret-looking values by path (never the value). */
export function findSecrets(value: unknown, where: string, path = ''): SecretFinding[] {
  if (Array.isArray(value)) {
    return value.flatMap((v, i) => findSecrets(v, where, `${path}[${i}]`));
  }
  if (value !== null && typeof value === 'object') {
    return Object.entries(value as Record<string, unknown>).flatMap(([k, v]) => {
      const here = path ? `${path}.${k}` : k;
      const found: SecretFinding[] = [];
      if (
        typeof v === 'string' &&
        v !== '' &&
        SECRET_KEY.test(k) &&
        !ENV_NAME_KEY.test(k) &&
        !ENV_VAR_NAME.test(v)
      ) {
        found.push({ where, path: here, rule: 'secret_key_with_literal_value' });
      }
      return [...found, ...findSecrets(v, where, here)];
    });
  }
  if (typeof value === 'string') {
    const hit = SECRET_VALUES.find(([, re]) => re.test(value));
    if (hit) return [{ where, path, rule: hit[0] }];
  }
  return [];
}

export interface SecretsInputs {
  /** The config directory: every *.json in it is read. */
  configDir: string;
  /** Extra config files (VX11_CONFIG_FILE). */
  extraFiles: readonly string[];
  /** The effective configuration. */
  effective: object;
  /** Config paths an environment variable set: secrets there come from the environment. */
  envFedPaths: ReadonlySet<string>;
}

/**
 * no_hardcoded_secrets: no config file holds a secret value (keys like token/password/api_key
 * must hold an environment variable's name, and no value has a known secret shape), and the
 * effective config holds none either except where an environment variable put it. The
 * runtime token (`token`: env or the generated token file) is not configuration.
 */
export function noHardcodedSecrets(input: SecretsInputs): GateResult {
  const files = readdirSync(input.configDir)
    .filter((f) => f.endsWith('.json'))
    .map((f) => join(input.configDir, f))
    .concat(input.extraFiles);
  const findings: SecretFinding[] = [];
  const unreadable: string[] = [];
  for (const file of files) {
    try {
      findings.push(...findSecrets(JSON.parse(readFileSync(file, 'utf8')), file));
    } catch (err) {
      unreadable.push(`${file}: ${(err as Error).message}`);
    }
  }
  const { token: _token, ...effective } = input.effective as Record<string, unknown>;
  void _token;
  for (const f of findSecrets(effective, 'effective config')) {
    const fed = [...input.envFedPaths].some((p) => f.path === p || f.path.startsWith(`${p}.`));
    if (!fed) findings.push(f);
  }
  const evidence = {
    files_scanned: files,
    unreadable,
    findings: findings.map((f) => `${f.where}: ${f.path} (${f.rule})`),
  };
  if (findings.length > 0) {
    return failed(
      `${findings.length} secret-looking value(s): ${listSome(evidence.findings, 3)}`,
      evidence,
    );
  }
  if (unreadable.length > 0) {
    return failed(`config files not readable as JSON: ${listSome(unreadable, 2)}`, evidence);
  }
  return ok(evidence);
}
