import { Injectable } from '@nestjs/common';
import { RedisService } from '../../../core/queue/redis.service';
import { ModuleRegistry } from '../../../core/registry/module-registry.service';
import { PowerService } from '../power/power.service';
import { WindowService } from '../power/window.service';

export const LOCAL_MODEL = 'vx11-local-degraded';
export const LOCAL_PROVIDER = 'local';

type Topic = 'status' | 'modules' | 'window' | 'help';

const TOPICS: Array<[Topic, RegExp]> = [
  ['window', /\b(window|ventana|ttl|wake|despertar)\b/i],
  ['modules', /\b(modules?|m[oó]dulos?|services?|servicios?)\b/i],
  ['status', /\b(status|estado|health|salud|how are you|c[oó]mo est[aá]s)\b/i],
  ['help', /\b(help|ayuda|commands?|comandos?|\?)$/i],
];

/**
 * The last tier: answers from VX11's real state, deterministically, without any provider.
 * It cannot fail: everything it reads is in memory.
 */
@Injectable()
export class LocalResponder {
  constructor(
    private readonly power: PowerService,
    private readonly windows: WindowService,
    private readonly registry: ModuleRegistry,
    private readonly redis: RedisService,
  ) {}

  reply(message: string, why: string): string {
    const topic = TOPICS.find(([, pattern]) => pattern.test(message.trim()))?.[0];
    switch (topic) {
      case 'status':
        return this.status();
      case 'modules':
        return this.modules();
      case 'window':
        return this.window();
      case 'help':
        return this.help(why);
      default:
        return `Full chat is unavailable right now (${why}), so this is VX11's local responder. ${this.status()} ${this.hint()}`;
    }
  }

  private status(): string {
    const state = this.power.state();
    const up = state.active_services.length;
    return (
      `Status: mode ${state.mode}, policy ${state.policy}, ${up}/${this.registry.list().length} modules active ` +
      `(${state.active_services.join(', ')}); Redis ${this.redis.isUp() ? 'up' : 'down'}; ` +
      `${state.window_id ? `window ${state.window_id} open until ${state.deadline ?? 'closed by hand'}` : 'no window open'}.`
    );
  }

  private modules(): string {
    return `Modules: ${this.registry
      .list()
      .map((e) => `${e.meta.name}=${e.state}`)
      .join(', ')}.`;
  }

  private window(): string {
    const window = this.windows.view();
    if (!window)
      return 'No window is open. Wake switch for chat with POST /operator/api/chat/window/open.';
    const remaining =
      window.ttl_remaining_sec === null ? 'held open' : `${window.ttl_remaining_sec} s left`;
    return `Window ${window.window_id} is open for ${window.services.join(', ')} (${remaining}).`;
  }

  private help(why: string): string {
    return `Full chat is unavailable (${why}). Ask me for "status", "modules" or "window". ${this.hint()}`;
  }

  private hint(): string {
    return 'To get full chat: configure a provider and open a window on switch (POST /operator/api/chat/window/open).';
  }
}
