import 'reflect-metadata';
import { pipeOutcome as outcome } from '../../../../test/support/pipe-outcome';
import { acceptedByHand, OpenAiChatBodyPipe } from './openai-chat-body.pipe';

/** A small deterministic generator (mulberry32), so a failing body can be found again. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Each field's candidates: valid, odd and wrong values (undefined leaves the field out). */
const FIELD_VALUES: Record<string, unknown[]> = {
  model: [
    undefined,
    'vx11-auto',
    'p/m',
    '',
    null,
    7,
    'm'.repeat(200),
    'm'.repeat(201),
    '😀'.repeat(150),
  ],
  stream: [undefined, true, false, null, 'true', 1],
  stream_options: [
    undefined,
    {},
    { include_usage: true },
    { include_usage: 'yes' },
    null,
    [],
    'x',
    { other: 1 },
  ],
  max_tokens: [undefined, 1, 256, 0, -1, 1.5, '10', null],
  temperature: [undefined, 0, 2, 0.7, 2.1, -0.1, '1', null],
  top_p: [undefined, 0, 1, 0.5, 1.5, null],
  user: [undefined, 'alice', '', 'u'.repeat(120), 'u'.repeat(121), 5, null],
  fallback: [undefined, true, false, 'no', null],
  stop: [undefined, 'x', ['a', 'b'], ['a', 'b', 'c', 'd', 'e'], [1], null, 3],
  extra: [undefined, { nested: [1, { a: 2 }] }, 'passed through', { constructor: 'x' }],
};
const MESSAGES: unknown[] = [
  { role: 'user', content: 'hello' },
  { role: 'developer', content: 'be brief' },
  { role: 'system', content: 'sys' },
  { role: 'assistant', content: 'hi', name: 'bot' },
  {
    role: 'user',
    content: [
      { type: 'text', text: 'a' },
      { type: 'text', text: 'b' },
    ],
  },
  { role: 'user', content: [{ type: 'image_url', image_url: {} }] },
  { role: 'user', content: [] },
  { role: 'user', content: 5 },
  { role: 'user' },
  { role: 'tool', content: 'x' },
  { role: 'user', content: 'x', name: 'n'.repeat(65) },
  { role: 'user', content: 'x', name: null },
  { role: 'user', content: 'x', extra: { deep: true } },
  'hello',
  null,
  [],
];

function corpus(count: number): unknown[] {
  const next = random(18);
  const pick = <T>(values: T[]): T => values[Math.floor(next() * values.length)];
  const bodies: unknown[] = [];
  for (let i = 0; i < count; i += 1) {
    const body: Record<string, unknown> = {};
    // mostly one field off the common request at a time, sometimes several
    const changes = next() < 0.7 ? 1 : 3;
    const changed = new Set(Array.from({ length: changes }, () => pick(Object.keys(FIELD_VALUES))));
    for (const [field, values] of Object.entries(FIELD_VALUES)) {
      const value = changed.has(field) ? pick(values) : values[1 + (i % 2)];
      if (value !== undefined && (changed.has(field) || field === 'model' || field === 'stream'))
        body[field] = value;
    }
    const turns = next() < 0.6 ? 1 : 1 + Math.floor(next() * 3);
    body.messages =
      next() < 0.05
        ? pick([[], 'hello', null, undefined])
        : Array.from({ length: turns }, (_, t) =>
            t === 0 && next() < 0.6 ? MESSAGES[0] : pick(MESSAGES),
          );
    if (body.messages === undefined) delete body.messages;
    bodies.push(body);
  }
  return bodies;
}

describe('OpenAiChatBodyPipe', () => {
  const pipe = new OpenAiChatBodyPipe();
  const fully = (body: unknown) =>
    (pipe as unknown as { checkFully(raw: unknown): Promise<unknown> }).checkFully(body);

  it('takes the common requests by hand, the OpenAI SDK’s shapes among them', () => {
    const common = [
      { model: 'vx11-auto', messages: [{ role: 'user', content: 'hello' }] },
      {
        model: 'gpt-x',
        messages: [
          { role: 'developer', content: 'be brief' },
          { role: 'user', content: [{ type: 'text', text: 'hi' }] },
        ],
        stream: true,
        stream_options: { include_usage: true },
        max_tokens: 64,
        temperature: 0.2,
        top_p: 1,
        stop: ['\n'],
        user: 'alice',
        seed: 7,
      },
    ];
    for (const body of common) expect(acceptedByHand(body)).toBeDefined();
    expect(acceptedByHand(common[1])).toEqual([
      { role: 'system', content: 'be brief' },
      { role: 'user', content: 'hi' },
    ]);
  });

  it('leaves anything unusual to the full check', () => {
    const odd = [
      { model: null, messages: [{ role: 'user', content: 'x' }] },
      { messages: [{ role: 'user', content: 'x', name: null }] },
      { messages: [{ role: 'system', content: 'no user turn' }] },
      { messages: [{ role: 'user', content: 'x' }], temperature: 3 },
      { messages: [{ role: 'user', content: 'x' }], user: '😀'.repeat(61) },
    ];
    for (const body of odd) expect(acceptedByHand(body)).toBeUndefined();
  });

  it('decides 3,000 generated requests exactly as class-validator does', async () => {
    let byHand = 0;
    for (const body of corpus(3000)) {
      if (acceptedByHand(body as Record<string, unknown>)) byHand += 1;
      const mine = await outcome(() => pipe.transform(body));
      const full = await outcome(() => fully(body));
      if (JSON.stringify(mine) !== JSON.stringify(full)) {
        // the body in the failure message
        expect({ body, outcome: mine }).toEqual({ body, outcome: full });
      }
    }
    // both paths were exercised
    expect(byHand).toBeGreaterThan(300);
    expect(byHand).toBeLessThan(2700);
  });
});
