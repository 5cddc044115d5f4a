import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findSecrets, noHardcodedSecrets } from './no-hardcoded-secrets.gate';

describe('no_hardcoded_secrets', () => {
  it('accepts env-var names where secrets go, and ordinary values', () => {
    expect(
      findSecrets(
        {
          providers: [
            { name: 'ds', api_key_env: 'DEEPSEEK_API_KEY', base_url: 'https://api.x/v1' },
          ],
          password: 'VX11_DB_PASSWORD',
          authMode: 'token',
          redisUrl: 'redis://127.0.0.1:6379',
        },
        'f',
      ),
    ).toEqual([]);
  });

  it('finds literal values under secret keys and known secret shapes, by path, without the value', () => {
    const found = findSecrets(
      {
        providers: [{ name: 'x', api_key: 'hunter2hunter2' }],
        nested: { note: 'key sk-abcdefghijklmnopqrstuv here' },
        redisUrl: 'redis://user:s3cret@db:6379',
        token: 'abc',
      },
      'cfg',
    );
    expect(found).toEqual([
      { where: 'cfg', path: 'providers[0].api_key', rule: 'secret_key_with_literal_value' },
      { where: 'cfg', path: 'nested.note', rule: 'openai_style_key' },
      { where: 'cfg', path: 'redisUrl', rule: 'url_with_password' },
      { where: 'cfg', path: 'token', rule: 'secret_key_with_literal_value' },
    ]);
    expect(JSON.stringify(found)).not.toMatch(/hunter2|s3cret/);
  });

  describe('the gate', () => {
    let dir: string;
    beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'vx11-sec-'))));
    afterEach(() => rmSync(dir, { recursive: true, force: true }));

    it('passes on clean files and config (the runtime token is not configuration)', () => {
      writeFileSync(
        join(dir, 'default.json'),
        JSON.stringify({ providers: [], authMode: 'token' }),
      );
      const r = noHardcodedSecrets({
        configDir: dir,
        extraFiles: [],
        effective: { token: 'the-runtime-token-0123456789', authMode: 'token' },
        envFedPaths: new Set(),
      });
      expect(r.status).toBe('ok');
    });

    it('fails on a secret in a config file, and on one in the effective config not set by env', () => {
      writeFileSync(join(dir, 'default.json'), JSON.stringify({ smtp: { password: 'pa55word!' } }));
      const file = noHardcodedSecrets({
        configDir: dir,
        extraFiles: [],
        effective: {},
        envFedPaths: new Set(),
      });
      expect(file).toMatchObject({ status: 'failed' });
      expect(file.reason).toMatch(/smtp\.password \(secret_key_with_literal_value\)/);
      expect(JSON.stringify(file)).not.toContain('pa55word');

      writeFileSync(join(dir, 'default.json'), '{}');
      const effective = { redisUrl: 'redis://:pw@h:6379' };
      expect(
        noHardcodedSecrets({ configDir: dir, extraFiles: [], effective, envFedPaths: new Set() })
          .status,
      ).toBe('failed');
      expect(
        noHardcodedSecrets({
          configDir: dir,
          extraFiles: [],
          effective,
          envFedPaths: new Set(['redisUrl']),
        }).status,
      ).toBe('ok');
    });
  });
});
