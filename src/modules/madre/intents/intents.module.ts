import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { HermesModule } from '../../hermes/hermes.module';
import { SwitchModule } from '../../switch/switch.module';
import { MadreChatModule } from '../chat/chat.module';
import { MadreHealthModule } from '../health/health.module';
import { MadreMaintenanceModule } from '../maintenance/maintenance.module';
import { MadrePowerModule } from '../power/power.module';
import { IntentDepthInterceptor } from './dto/intent-depth.interceptor';
import { IntentService } from './intent.service';
import { IntentsController } from './intents.controller';
import { LlmPlanner } from './llm-planner.service';
import { PlanExecutor } from './plan-executor.service';
import { PlanMetrics } from './plan-metrics';
import { PlanStepEntity } from './plan-step.entity';
import { PlanEntity } from './plan.entity';
import { PlanRepository } from './plan.repository';
import { PlansController } from './plans.controller';
import { CallSwitchStep } from './steps/call-switch.step';
import { CloseWindowStep } from './steps/close-window.step';
import { HealthcheckStep } from './steps/healthcheck.step';
import { NoopStep } from './steps/noop.step';
import { OpenWindowStep } from './steps/open-window.step';
import { RunMaintenanceStep } from './steps/run-maintenance.step';
import { StepRunner } from './steps/step-runner';
import { StepRunners } from './steps/step-runners';

const STEPS = [
  HealthcheckStep,
  CallSwitchStep,
  OpenWindowStep,
  CloseWindowStep,
  RunMaintenanceStep,
  NoopStep,
];

/**
 * Madre's intents and plans (CONTRACT §5): the planner, the plans queue worker and the step
 * runners over madre's power, health and maintenance and the chat tiers (the spawner registers
 * its own SPAWNER_REQUEST runner).
 * IntentService.submit is the entry other modules call (hormiguero, MCP).
 */
@Module({
  imports: [
    TypeOrmModule.forFeature([PlanEntity, PlanStepEntity]),
    MadrePowerModule,
    MadreChatModule,
    MadreHealthModule,
    MadreMaintenanceModule,
    HermesModule,
    SwitchModule,
  ],
  controllers: [IntentsController, PlansController],
  providers: [
    IntentDepthInterceptor,
    IntentService,
    LlmPlanner,
    PlanExecutor,
    PlanMetrics,
    PlanRepository,
    ...STEPS,
    {
      provide: StepRunners,
      useFactory: (...runners: StepRunner[]) => {
        const registry = new StepRunners();
        for (const runner of runners) registry.register(runner);
        return registry;
      },
      inject: STEPS,
    },
  ],
  exports: [IntentService, IntentDepthInterceptor, StepRunners],
})
export class MadreIntentsModule {}
