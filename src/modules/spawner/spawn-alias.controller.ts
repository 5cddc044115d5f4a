import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { currentCorrelationId } from '../../core/correlation/correlation';
import { OwnedBy } from '../../core/registry/module-active.guard';
import { CodeRunnerService } from './code-runner.service';
import { SpawnCodeDto } from './dto/spawn-code.dto';

/** The seed's POST /vx11/spawn; answers once the code has run, with its output. */
@ApiTags('spawner')
@OwnedBy('spawner')
@Controller('vx11')
export class SpawnAliasController {
  constructor(private readonly code: CodeRunnerService) {}

  @Post('spawn')
  @HttpCode(200)
  spawn(@Body() body: SpawnCodeDto) {
    return this.code.run(body, currentCorrelationId() ?? null);
  }
}
