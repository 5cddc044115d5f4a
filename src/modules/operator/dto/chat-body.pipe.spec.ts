import 'reflect-metadata';
import { pipeOutcome as outcome } from '../../../../test/support/pipe-outcome';
import { createValidationPipe } from '../../../core/errors/validation-pipe';
import { ChatBodyPipe, isAcceptedChatBody } from './chat-body.pipe';
import { OperatorChatDto } from './chat.dto';

describe('ChatBodyPipe', () => {
  const fast = new ChatBodyPipe();
  const full = createValidationPipe();
  const viaFull = (body: unknown) =>
    full.transform(body, { type: 'body', metatype: OperatorChatDto, data: undefined });

  const common: unknown[] = [
    { message: 'hello' },
    { message: 'hello', session_id: 'abc-1.2:3_x' },
    { message: '', stream: true },
    { message: 'hi', session_id: null, stream: false },
  ];
  const odd: unknown[] = [
    { message: 42 },
    {},
    { message: 'hi', extra: 1 },
    { message: 'hi', session_id: 'has space' },
    { message: 'hi', session_id: 'x'.repeat(129) },
    { message: 'hi', stream: 'yes' },
    { message: 'hi', constructor: 'x' },
    [],
    'text',
    null,
  ];

  it('takes the common bodies by hand', () => {
    for (const body of common) expect(isAcceptedChatBody(body)).toBe(true);
    for (const body of odd) expect(isAcceptedChatBody(body)).toBe(false);
  });

  it.each([...common, ...odd].map((body) => [JSON.stringify(body), body]))(
    'decides %s exactly as the full validation pipe',
    async (_name, body) => {
      const mine = await outcome(() => fast.transform(body));
      expect(mine).toEqual(await outcome(() => viaFull(body)));
    },
  );
});
