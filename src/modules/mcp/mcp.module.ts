import { Module } from '@nestjs/common';
import { passiveLifecycle } from '../../core/registry/passive-lifecycle';

/** mcp: optional module, dormant until a policy or a window wakes it. */
@Module({ providers: [passiveLifecycle('mcp')] })
export class McpModule {}
