import type { ChildProcess } from 'node:child_process';

export default async function globalTeardown(): Promise<void> {
  (globalThis as { __VX11_REDIS__?: ChildProcess }).__VX11_REDIS__?.kill();
}
