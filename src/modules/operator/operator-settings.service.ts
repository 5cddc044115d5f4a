import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { DEFAULT_SETTINGS, OperatorSettings, OperatorSettingsDto } from './dto/settings.dto';
import { OperatorSettingEntity } from './operator-setting.entity';

/** Console preferences: defaults overlaid with what the operator saved. */
@Injectable()
export class OperatorSettingsService {
  constructor(
    @InjectRepository(OperatorSettingEntity)
    private readonly rows: Repository<OperatorSettingEntity>,
  ) {}

  async get(): Promise<OperatorSettings> {
    const saved = await this.rows.find();
    const values = Object.fromEntries(saved.map((r) => [r.key, JSON.parse(r.value) as unknown]));
    return { ...DEFAULT_SETTINGS, ...values } as OperatorSettings;
  }

  async update(changes: OperatorSettingsDto): Promise<OperatorSettings> {
    const now = new Date().toISOString();
    const entries = Object.entries(changes).filter(([, v]) => v !== undefined);
    if (entries.length > 0) {
      await this.rows.upsert(
        entries.map(([key, value]) => ({ key, value: JSON.stringify(value), updated_at: now })),
        ['key'],
      );
    }
    return this.get();
  }
}
