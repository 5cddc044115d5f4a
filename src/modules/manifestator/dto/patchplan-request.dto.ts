import { ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayUnique, IsArray, IsIn, IsOptional } from 'class-validator';

export const PATCH_SCOPES = ['routes', 'modules', 'events', 'files'] as const;

/** Body of POST /manifestator/patchplan (optional). */
export class PatchPlanRequestDto {
  @ApiPropertyOptional({
    type: [String],
    enum: PATCH_SCOPES,
    description: 'What to plan for; all four when absent or empty',
  })
  @IsOptional()
  @IsArray()
  @ArrayUnique()
  @ArrayMaxSize(PATCH_SCOPES.length)
  @IsIn(PATCH_SCOPES, { each: true })
  scope?: Array<(typeof PATCH_SCOPES)[number]>;
}
