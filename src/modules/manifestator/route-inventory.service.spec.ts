import { Controller, Get, Post } from '@nestjs/common';
import { OwnedBy } from '../../core/registry/module-active.guard';
import { OWNED_BY_KEY, vx11NameOf } from './route-inventory.service';

@OwnedBy('switch')
@Controller('switch')
class Sample {
  @Get('providers')
  providers() {}

  @Post('chat')
  @OwnedBy('madre')
  chat() {}
}

describe('RouteInventory metadata', () => {
  it('reads the key @OwnedBy() writes, on the class and on a handler', () => {
    expect(Reflect.getMetadata(OWNED_BY_KEY, Sample)).toBe('switch');
    expect(Reflect.getMetadata(OWNED_BY_KEY, Sample.prototype.chat)).toBe('madre');
  });

  it('maps Nest module class names to VX11 module names', () => {
    expect(vx11NameOf('TentaculoLinkModule')).toBe('tentaculo_link');
    expect(vx11NameOf('ShubniggurathModule')).toBe('shubniggurath');
    expect(vx11NameOf('McpModule')).toBe('mcp');
  });
});
