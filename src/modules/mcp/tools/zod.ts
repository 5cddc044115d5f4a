import type { z as Zod } from 'zod';

/**
 * zod, required when the tools are first listed or called rather than at boot: mcp sleeps by
 * default, and nothing else an idle VX11 runs needs it.
 */
export function zod(): typeof Zod {
  return (require('zod') as typeof import('zod')).z;
}
