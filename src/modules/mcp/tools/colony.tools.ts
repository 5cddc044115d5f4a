import { Injectable } from '@nestjs/common';
import { HORMIGUERO_ANTS } from '../../../core/config/app-config';
import { HormigueroScanService } from '../../hormiguero/hormiguero-scan.service';
import { RailsService } from '../../manifestator/rails.service';
import { defineTool, McpTool, ToolGroup } from './mcp-tool';
import { zod } from './zod';

/**
 * hormiguero_scan (POST /hormiguero/scan/once) and manifestator_rails (GET /manifestator/rails).
 */
@Injectable()
export class ColonyTools implements ToolGroup {
  constructor(
    private readonly scanner: HormigueroScanService,
    private readonly rails: RailsService,
  ) {}

  tools(): McpTool[] {
    const z = zod();
    return [
      defineTool({
        name: 'hormiguero_scan',
        title: 'Run hormiguero’s scanner ants once',
        description: `Run hormiguero's ants once now (all, or those named: ${HORMIGUERO_ANTS.join(', ')}) and answer their findings. Needs hormiguero active (open_window {"services":["hormiguero"]}).`,
        module: 'hormiguero',
        readOnly: false,
        input: z
          .object({
            ants: z
              .array(z.enum(HORMIGUERO_ANTS))
              .max(HORMIGUERO_ANTS.length)
              .optional()
              .describe('The ants to run (all by default)'),
          })
          .strict(),
        run: (args) => this.scanner.scanOnce(args.ants, 'manual'),
      }),
      defineTool({
        name: 'manifestator_rails',
        title: 'Evaluate manifestator’s rails',
        description:
          'Evaluate the invariant rails (gates the live system must pass: auth everywhere, one error shape, ledger chain...) and answer each gate’s verdict. Needs manifestator active (open_window {"services":["manifestator"]}).',
        module: 'manifestator',
        readOnly: true,
        input: z.object({}).strict(),
        run: () => this.rails.evaluate(),
      }),
    ];
  }
}
