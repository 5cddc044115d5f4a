import { DynamicModule, Module } from '@nestjs/common';
import { AppConfig } from './core/config/app-config';
import { CoreModule } from './core/core.module';
import { RouteTable } from './core/http/route-table';
import { EventsModule } from './modules/events/events.module';
import { HermesModule } from './modules/hermes/hermes.module';
import { HormigueroModule } from './modules/hormiguero/hormiguero.module';
import { MadreModule } from './modules/madre/madre.module';
import { ManifestatorModule } from './modules/manifestator/manifestator.module';
import { McpModule } from './modules/mcp/mcp.module';
import { OperatorModule } from './modules/operator/operator.module';
import { ShubniggurathModule } from './modules/shubniggurath/shubniggurath.module';
import { SpawnerModule } from './modules/spawner/spawner.module';
import { SwitchModule } from './modules/switch/switch.module';
import { TentaculoLinkModule } from './modules/tentaculo-link/tentaculo-link.module';

/** Wires the core and every VX11 module into the one process. */
@Module({})
export class AppModule {
  static forRoot(config: AppConfig, routes: RouteTable): DynamicModule {
    return {
      module: AppModule,
      imports: [
        CoreModule.forRoot(config, routes),
        TentaculoLinkModule,
        MadreModule,
        SwitchModule,
        HermesModule,
        HormigueroModule,
        ManifestatorModule,
        McpModule,
        ShubniggurathModule,
        SpawnerModule,
        OperatorModule,
        EventsModule,
      ],
    };
  }
}
