import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** A JSON-RPC 2.0 message of the Model Context Protocol (request, notification or response). */
export class McpMessageDto {
  @ApiProperty({ enum: ['2.0'] })
  jsonrpc: '2.0';

  @ApiPropertyOptional({
    oneOf: [{ type: 'string' }, { type: 'integer' }],
    description: 'Request id (absent on notifications)',
    example: 1,
  })
  id?: string | number;

  @ApiPropertyOptional({
    description: 'initialize, tools/list, tools/call, resources/read, ...',
    example: 'tools/list',
  })
  method?: string;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true })
  params?: Record<string, unknown>;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true })
  result?: Record<string, unknown>;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true })
  error?: Record<string, unknown>;
}
