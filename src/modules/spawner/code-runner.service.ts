import { Injectable } from '@nestjs/common';
import { AppConfig } from '../../core/config/app-config';
import { ApiError } from '../../core/errors/api-error';
import { CodeTaskType, SpawnCodeDto } from './dto/spawn-code.dto';
import { RunView } from './run-view';
import { SpawnerService } from './spawner.service';
import { SpawnerErrors } from './spawner-errors';

/** The program names each task type may use (first one in spawner.programs wins) and its flag. */
const INTERPRETERS: Record<CodeTaskType, { programs: string[]; flag: string }> = {
  python: { programs: ['python3', 'python'], flag: '-c' },
  bash: { programs: ['bash'], flag: '-c' },
  node: { programs: ['node'], flag: '-e' },
};

const WAIT_SLACK_MS = 5000;

/**
 * POST /vx11/spawn: code for an interpreter, run as `[interpreter, -c|-e, code]` (the code is
 * one argv entry; no shell wraps it). An interpreter runs anything, so this is off unless the
 * operator turns on spawner.allowCode and maps the interpreter in spawner.programs.
 */
@Injectable()
export class CodeRunnerService {
  constructor(
    private readonly config: AppConfig,
    private readonly spawner: SpawnerService,
  ) {}

  async run(
    request: SpawnCodeDto,
    correlationId: string | null,
  ): Promise<RunView & { task_type: CodeTaskType }> {
    const interpreter = INTERPRETERS[request.task_type];
    const settings = this.config.spawner;
    const program = interpreter.programs.find((p) => Object.hasOwn(settings.programs, p));
    if (!settings.allowCode || !program) {
      const missing = !settings.allowCode
        ? 'spawner.allowCode is false'
        : `no ${interpreter.programs.join(' or ')} in spawner.programs`;
      throw new ApiError(
        SpawnerErrors.code_execution_disabled,
        `Running ${request.task_type} code is disabled (${missing}). It is off by default because ` +
          'an interpreter given code runs anything the server user can; use POST /spawner/runs ' +
          'with an allowlisted program instead, or, to accept the risk, set spawner.allowCode to ' +
          `true and map "${interpreter.programs[0]}" to its absolute path in spawner.programs ` +
          '(in the JSON file named by VX11_CONFIG_FILE).',
        undefined,
        { task_type: request.task_type, allow_code: settings.allowCode, program: program ?? null },
      );
    }
    const started = await this.spawner.startRun(
      {
        program,
        args: [interpreter.flag, request.code],
        ttl_sec: request.ttl_seconds,
        name: `vx11/spawn ${request.task_type}`,
      },
      correlationId,
      'code_alias',
    );
    const ended = await this.spawner.waitForEnd(
      started.run_id,
      started.ttl_sec * 1000 + settings.killGraceMs + WAIT_SLACK_MS,
    );
    return { task_type: request.task_type, ...ended };
  }
}
