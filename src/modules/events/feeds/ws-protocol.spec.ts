import {
  applySubscription,
  EVERY_TYPE,
  isProtocolError,
  MAX_CLIENT_FRAME_BYTES,
  MAX_MESSAGE_DEPTH,
  parseClientMessage,
  Subscriptions,
} from './ws-protocol';

const parse = (text: string) => parseClientMessage(Buffer.from(text), false);

describe('parseClientMessage', () => {
  it('reads subscribe, unsubscribe and ping', () => {
    expect(parse('{"action":"subscribe","types":["window.opened","system.*"]}')).toEqual({
      action: 'subscribe',
      types: ['window.opened', 'system.*'],
    });
    expect(parse('{"action":"unsubscribe","types":["*"]}')).toEqual({
      action: 'unsubscribe',
      types: ['*'],
    });
    expect(parse('{"action":"ping"}')).toEqual({ action: 'ping' });
    expect(parseClientMessage('{"action":"ping"}', false)).toEqual({ action: 'ping' });
  });

  it.each([
    ['binary', Buffer.from('{"action":"ping"}'), true, 'invalid_message'],
    ['not JSON', Buffer.from('{nope'), false, 'invalid_json'],
    ['an array', Buffer.from('[1]'), false, 'invalid_message'],
    ['null', Buffer.from('null'), false, 'invalid_message'],
    ['a number', Buffer.from('7'), false, 'invalid_message'],
    ['no action', Buffer.from('{"types":["a"]}'), false, 'unknown_action'],
    ['an unknown action', Buffer.from('{"action":"drop_table"}'), false, 'unknown_action'],
    ['types missing', Buffer.from('{"action":"subscribe"}'), false, 'invalid_types'],
    ['types empty', Buffer.from('{"action":"subscribe","types":[]}'), false, 'invalid_types'],
    ['types a string', Buffer.from('{"action":"subscribe","types":"a.b"}'), false, 'invalid_types'],
    [
      'a bad type',
      Buffer.from('{"action":"subscribe","types":["ok","no spaces"]}'),
      false,
      'invalid_types',
    ],
    [
      'a non-string type',
      Buffer.from('{"action":"subscribe","types":[1]}'),
      false,
      'invalid_types',
    ],
  ])('answers %s with an error, without throwing', (_label, data, binary, error) => {
    const result = parseClientMessage(data, binary);
    expect(isProtocolError(result)).toBe(true);
    expect(result).toMatchObject({ error, message: expect.any(String) });
  });

  it('names the offending types', () => {
    expect(parse('{"action":"subscribe","types":["ok","bad type"]}')).toMatchObject({
      message: expect.stringContaining('"bad type"'),
    });
  });

  it('refuses the 5000-deep crash frame before parsing it', () => {
    const crash = `{"action":"subscribe","types":${'['.repeat(5000)}${']'.repeat(5000)}}`;
    expect(parse(crash)).toEqual({
      error: 'invalid_message',
      message: `The frame nests deeper than ${MAX_MESSAGE_DEPTH} levels`,
    });
  });

  it('describes bad types in a few words, never by stringifying them', () => {
    const types = [[[]], { a: 1 }, null, 7, true, 'x y'.repeat(10_000), 'fine.type', 'not fine'];
    const result = parse(JSON.stringify({ action: 'subscribe', types }));
    expect(result).toEqual({
      error: 'invalid_types',
      message: 'Not event types: an array, an object, null and 4 more',
    });
    const long = parse(JSON.stringify({ action: 'subscribe', types: ['z '.repeat(30_000)] }));
    expect(long).toEqual({
      error: 'invalid_types',
      message: `Not event types: ${JSON.stringify('z '.repeat(20))}… (60000 characters)`,
    });
  });

  it('refuses invalid UTF-8 and frames over the size limit', () => {
    expect(parseClientMessage(Buffer.from([0x22, 0xc3, 0x28, 0x22]), false)).toMatchObject({
      error: 'invalid_message',
      message: 'Text frames must be valid UTF-8',
    });
    const huge = `{"action":"ping","pad":"${'x'.repeat(MAX_CLIENT_FRAME_BYTES)}"}`;
    expect(parse(huge)).toMatchObject({ error: 'invalid_message' });
  });
});

describe('applySubscription', () => {
  const apply = (s: Subscriptions, action: 'subscribe' | 'unsubscribe', types: string[]) =>
    applySubscription(s, { action, types }) as Subscriptions;

  it('narrows "every type" to the first subscription, then adds', () => {
    const first = apply(EVERY_TYPE, 'subscribe', ['window.opened']);
    expect(first).toEqual({ types: ['window.opened'], narrowed: true });
    expect(apply(first, 'subscribe', ['window.closed', 'window.opened'])).toEqual({
      types: ['window.opened', 'window.closed'],
      narrowed: true,
    });
  });

  it('treats * as every type', () => {
    const some = apply(EVERY_TYPE, 'subscribe', ['a.b']);
    expect(apply(some, 'subscribe', ['*']).types).toEqual(['*']);
  });

  it('removes types, and * removes them all', () => {
    const some = apply(EVERY_TYPE, 'subscribe', ['a.b', 'c.d']);
    expect(apply(some, 'unsubscribe', ['a.b']).types).toEqual(['c.d']);
    expect(apply(some, 'unsubscribe', ['*']).types).toEqual([]);
    expect(apply(EVERY_TYPE, 'unsubscribe', ['*']).types).toEqual([]);
  });

  it('keeps "every type" when one type is unsubscribed from it (nothing to remove)', () => {
    expect(apply(EVERY_TYPE, 'unsubscribe', ['a.b']).types).toEqual(['*']);
  });

  it('caps the number of subscriptions', () => {
    let s: Subscriptions = EVERY_TYPE;
    for (let i = 0; i < 2; i += 1) {
      s = apply(
        s,
        'subscribe',
        Array.from({ length: 50 }, (_, j) => `t${i}.e${j}`),
      );
    }
    expect(s.types).toHaveLength(100);
    expect(
      isProtocolError(applySubscription(s, { action: 'subscribe', types: ['one.more'] })),
    ).toBe(true);
  });
});
