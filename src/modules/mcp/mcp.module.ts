import { Module } from '@nestjs/common';
import { EventsModule } from '../events/events.module';
import { HormigueroModule } from '../hormiguero/hormiguero.module';
import { MadreIntentsModule } from '../madre/intents/intents.module';
import { MadreModule } from '../madre/madre.module';
import { SpawnerModule } from '../spawner/spawner.module';
import { TentaculoLinkModule } from '../tentaculo-link/tentaculo-link.module';
import { ManifestatorModule } from '../manifestator/manifestator.module';
import { OperatorModule } from '../operator/operator.module';
import { McpController } from './mcp.controller';
import { McpLifecycle } from './mcp.lifecycle';
import { McpMetrics } from './mcp-metrics';
import { McpResourcesService } from './mcp-resources.service';
import { McpSessions } from './mcp-sessions.service';
import { McpToolsService } from './mcp-tools.service';
import { ChatTools } from './tools/chat.tools';
import { ColonyTools } from './tools/colony.tools';
import { EventTools } from './tools/event.tools';
import { IncidentTools } from './tools/incident.tools';
import { IntentTools } from './tools/intent.tools';
import { MaintenanceTools } from './tools/maintenance.tools';
import { PowerTools } from './tools/power.tools';
import { SpawnerTools } from './tools/spawner.tools';
import { StatusTools } from './tools/status.tools';

/**
 * mcp: VX11 as a Model Context Protocol server on /mcp (Streamable HTTP), its tools thin
 * adapters over the services of the other modules. Optional: dormant until a policy or a
 * window wakes it; going dormant ends every session.
 */
@Module({
  imports: [
    MadreModule,
    MadreIntentsModule,
    TentaculoLinkModule,
    EventsModule,
    SpawnerModule,
    HormigueroModule,
    ManifestatorModule,
    OperatorModule,
  ],
  controllers: [McpController],
  providers: [
    McpLifecycle,
    McpMetrics,
    McpResourcesService,
    McpSessions,
    McpToolsService,
    ChatTools,
    ColonyTools,
    EventTools,
    IncidentTools,
    IntentTools,
    MaintenanceTools,
    PowerTools,
    SpawnerTools,
    StatusTools,
  ],
})
export class McpModule {}
