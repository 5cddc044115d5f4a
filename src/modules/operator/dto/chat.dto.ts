import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsOptional, IsString, Matches } from 'class-validator';

/** A session id a client may choose. */
export const SESSION_ID = /^[A-Za-z0-9._:-]{1,128}$/;

export class OperatorChatDto {
  /** Length is checked by the service: over the limit is 413, not 400. */
  @ApiProperty({ example: 'status', description: '1..4000 characters' })
  @IsString()
  message: string;

  @ApiPropertyOptional({ description: 'Continue a session; a new one is created when omitted' })
  @IsOptional()
  @IsString()
  @Matches(SESSION_ID, {
    message: 'session_id must be 1-128 characters of [A-Za-z0-9._:-]',
  })
  session_id?: string;

  @ApiPropertyOptional({
    description:
      'Stream the answer as Server-Sent Events: `start`, `{"delta":…}` events, then `done` (or `error`)',
  })
  @IsOptional()
  @IsBoolean()
  stream?: boolean;
}
