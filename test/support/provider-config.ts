import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FakeProvider } from './fake-provider';

/** Writes a VX11_CONFIG_FILE naming the fake providers; returns its path. */
export function providerConfigFile(
  dir: string,
  providers: Array<{
    fake: FakeProvider;
    tier: 'switch' | 'madre';
    timeout_ms?: number;
    daily_token_budget?: number;
  }>,
  extra: Record<string, unknown> = {},
): string {
  const file = join(dir, 'providers.json');
  const config = {
    providers: providers.map(({ fake, tier, timeout_ms, daily_token_budget }) => ({
      name: fake.name,
      tier,
      base_url: fake.baseUrl,
      model: `${fake.name}-model`,
      ...(timeout_ms ? { timeout_ms } : {}),
      ...(daily_token_budget ? { daily_token_budget } : {}),
    })),
    ...extra,
  };
  writeFileSync(file, JSON.stringify(config));
  return file;
}
