import { loadConfig } from '../../core/config/load-config';
import { effectiveConfig } from './effective-config';

describe('effectiveConfig', () => {
  it('never contains the token, a Redis password or an API key', () => {
    const config = loadConfig({
      VX11_TOKEN: 'super-secret-token-value-1234',
      REDIS_URL: 'redis://user:hunter2-password@127.0.0.1:6379/0',
    });
    config.providers = [
      {
        name: 'p',
        tier: 'switch',
        base_url: 'http://127.0.0.1:1/v1',
        model: 'm',
        api_key_env: 'VX11_SPEC_KEY',
      },
    ];
    process.env.VX11_SPEC_KEY = 'sk-live-abcdef';
    try {
      const text = JSON.stringify(effectiveConfig(config));
      expect(text).not.toContain('super-secret-token-value-1234');
      expect(text).not.toContain('hunter2-password');
      expect(text).not.toContain('sk-live-abcdef');
      expect(text).toContain('VX11_SPEC_KEY');
      expect(effectiveConfig(config)).toMatchObject({
        token: '[redacted]',
        providers: [{ api_key_present: true }],
      });
    } finally {
      delete process.env.VX11_SPEC_KEY;
    }
  });
});
