import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { currentCorrelationId } from '../../core/correlation/correlation';
import { OwnedBy } from '../../core/registry/module-active.guard';
import { CodeRunnerService } from './code-runner.service';
import { SpawnCodeDto } from './dto/spawn-code.dto';
import { ApiErrors, ApiModuleErrors } from '../../core/http/openapi-errors';
import { CodeRunDto } from './dto/run-responses.dto';

/** The seed's POST /vx11/spawn; answers once the code has run, with its output. */
@ApiTags('spawner')
@ApiModuleErrors('spawner')
@OwnedBy('spawner')
@Controller('vx11')
export class SpawnAliasController {
  constructor(private readonly code: CodeRunnerService) {}

  @ApiOperation({
    operationId: 'spawnCode',
    summary: 'Run code with an interpreter and answer once it ended (off unless spawner.allowCode)',
  })
  @ApiOkResponse({ type: CodeRunDto })
  @ApiErrors(
    [403, 'Running code is disabled (code_execution_disabled), or the token is not valid'],
    [429, 'spawner.maxConcurrent runs are running (too_many_runs)'],
  )
  @Post('spawn')
  @HttpCode(200)
  spawn(@Body() body: SpawnCodeDto) {
    return this.code.run(body, currentCorrelationId() ?? null);
  }
}
