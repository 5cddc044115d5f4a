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
    priority?: number;
    cost_per_1k_tokens?: number;
    max_concurrency?: number;
  }>,
  extra: Record<string, unknown> = {},
): string {
  const file = join(dir, 'providers.json');
  const config = {
    providers: providers.map(({ fake, tier, ...rest }) => ({
      name: fake.name,
      tier,
      base_url: fake.baseUrl,
      model: `${fake.name}-model`,
      ...Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined)),
    })),
    ...extra,
  };
  writeFileSync(file, JSON.stringify(config));
  return file;
}
