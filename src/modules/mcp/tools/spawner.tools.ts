import { Injectable } from '@nestjs/common';
import { SpawnerService } from '../../spawner/spawner.service';
import { defineTool, McpTool, ToolGroup } from './mcp-tool';
import { zod } from './zod';

/** Longest a spawn_run call waits for its run to end (wait_sec). */
const MAX_WAIT_SEC = 60;

/** spawn_run: SpawnerService.startRun, the same rules as POST /spawner/runs. */
@Injectable()
export class SpawnerTools implements ToolGroup {
  constructor(private readonly spawner: SpawnerService) {}

  tools(): McpTool[] {
    const z = zod();
    return [
      defineTool({
        name: 'spawn_run',
        title: 'Run an allowlisted program',
        description:
          'Start a program from spawner.programs (e.g. echo, uname, df, uptime) with literal argv (no shell), a TTL and capped output. Needs the spawner module active (open_window {"services":["spawner"]}). With wait_sec, answers once the run ended (or when wait_sec passes) with its exit code and output; otherwise right after it started.',
        module: 'spawner',
        readOnly: false,
        input: z
          .object({
            program: z.string().min(1).max(64).describe('A key of spawner.programs'),
            args: z.array(z.string().max(8192)).max(256).optional().describe('argv, literally'),
            cwd: z.string().max(1024).optional().describe('A directory inside the work root'),
            env: z
              .record(z.string().max(4096))
              .optional()
              .describe('Variables from spawner.envAllowlist'),
            stdin: z.string().max(65536).optional().describe("Written to the program's stdin"),
            ttl_sec: z.number().int().min(1).optional().describe('Seconds before it is killed'),
            name: z.string().max(100).optional(),
            wait_sec: z
              .number()
              .int()
              .min(1)
              .max(MAX_WAIT_SEC)
              .optional()
              .describe(`Wait up to this long for the run to end (at most ${MAX_WAIT_SEC})`),
          })
          .strict(),
        run: async (args, ctx) => {
          const { wait_sec: waitSec, ...request } = args;
          const run = await this.spawner.startRun(request, ctx.correlationId, 'api');
          if (waitSec === undefined) return run;
          return this.spawner.waitForEnd(run.run_id, waitSec * 1000);
        },
      }),
    ];
  }
}
