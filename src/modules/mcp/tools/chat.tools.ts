import { Injectable } from '@nestjs/common';
import { OperatorChatService } from '../../operator/operator-chat.service';
import { defineTool, McpTool, ToolGroup } from './mcp-tool';
import { zod } from './zod';

/**
 * chat: the operator chat chain (switch → madre → the local responder), with its rate limits,
 * persistence and chat.completed event — the operator's own service.
 */
@Injectable()
export class ChatTools implements ToolGroup {
  constructor(private readonly chat: OperatorChatService) {}

  tools(): McpTool[] {
    const z = zod();
    return [
      defineTool({
        name: 'chat',
        title: 'Chat with VX11',
        description:
          'Send a message through the normal chat chain: switch first, then madre, then the local responder. The answer says which one answered (fallback_source: switch, madre or local_llm_degraded) and whether it is degraded. Pass session_id from a previous answer to continue a conversation. Same as POST /operator/api/chat.',
        module: null,
        readOnly: false,
        input: z
          .object({
            message: z.string().min(1).describe('The message (up to chat.maxMessageChars)'),
            session_id: z
              .string()
              .min(1)
              .max(128)
              .optional()
              .describe('A session_id from an earlier answer'),
          })
          .strict(),
        run: (args, ctx) =>
          this.chat.chat(args.message, args.session_id, ctx.correlationId, ctx.clientAddress),
      }),
    ];
  }
}
