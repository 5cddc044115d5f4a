import 'reflect-metadata';
import { MODULE_METADATA } from '@nestjs/common/constants';
import { MadreHealthModule } from './health/health.module';
import { MadreModule } from './madre.module';
import { MadreMaintenanceModule } from './maintenance/maintenance.module';
import { MadrePowerModule } from './power/power.module';

const meta = (module: object, key: string): unknown[] => Reflect.getMetadata(key, module) ?? [];
const names = (items: unknown[]) => items.map((item) => (item as { name: string }).name);

describe('MadreModule', () => {
  it('is made of three Nest modules — power, health, maintenance — each owning its routes', () => {
    expect(meta(MadreModule, MODULE_METADATA.IMPORTS)).toEqual(
      expect.arrayContaining([MadrePowerModule, MadreHealthModule, MadreMaintenanceModule]),
    );
    expect(names(meta(MadrePowerModule, MODULE_METADATA.CONTROLLERS))).toEqual(['PowerController']);
    expect(names(meta(MadreHealthModule, MODULE_METADATA.CONTROLLERS))).toEqual([
      'MadreHealthController',
    ]);
    expect(names(meta(MadreMaintenanceModule, MODULE_METADATA.CONTROLLERS))).toEqual([
      'MaintenanceController',
    ]);
  });

  it('keeps power free of health and maintenance (health depends on power, not back)', () => {
    expect(meta(MadrePowerModule, MODULE_METADATA.IMPORTS)).not.toEqual(
      expect.arrayContaining([MadreHealthModule]),
    );
    expect(meta(MadreHealthModule, MODULE_METADATA.IMPORTS)).toContain(MadrePowerModule);
  });
});
