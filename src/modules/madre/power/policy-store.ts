import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { AppConfig } from '../../../core/config/app-config';
import { ApiError } from '../../../core/errors/api-error';
import { MadreSettingEntity } from './madre-setting.entity';
import { MadreErrors } from '../madre-errors';

const POLICY_KEY = 'power.policy';

/** The applied power policy, persisted so a restart comes back to it. */
@Injectable()
export class PolicyStore {
  private current: string;

  constructor(
    private readonly config: AppConfig,
    @InjectRepository(MadreSettingEntity) private readonly settings: Repository<MadreSettingEntity>,
  ) {
    this.current = config.defaultPolicy;
  }

  /** Reads the persisted policy; falls back to the configured default if it no longer exists. */
  async load(): Promise<string> {
    const row = await this.settings.findOneBy({ key: POLICY_KEY });
    this.current = row && this.config.policies[row.value] ? row.value : this.config.defaultPolicy;
    return this.current;
  }

  get policy(): string {
    return this.current;
  }

  async set(policy: string): Promise<void> {
    this.requireKnown(policy);
    await this.settings.save({
      key: POLICY_KEY,
      value: policy,
      updated_at: new Date().toISOString(),
    });
    this.current = policy;
  }

  names(): string[] {
    return Object.keys(this.config.policies);
  }

  /** Optional modules the policy keeps running. Throws 404 for an unknown policy. */
  members(policy: string = this.current): string[] {
    this.requireKnown(policy);
    return [...this.config.policies[policy]];
  }

  private requireKnown(policy: string): void {
    if (!Object.hasOwn(this.config.policies, policy)) {
      throw new ApiError(
        MadreErrors.unknown_policy,
        `Unknown policy "${policy}"; known: ${this.names().join(', ')}`,
        undefined,
        {
          policies: this.names(),
        },
      );
    }
  }
}
