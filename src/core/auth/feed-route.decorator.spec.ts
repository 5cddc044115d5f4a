import { queryToken } from './feed-route.decorator';

describe('queryToken', () => {
  it('reads the token query parameter of a raw URL', () => {
    expect(queryToken('/ws?token=abc')).toBe('abc');
    expect(queryToken('/ws?types=a.b&token=a%2Bb')).toBe('a+b');
    expect(queryToken('/ws?token=one&token=two')).toBe('one');
  });

  it('is undefined without a query, without the parameter, or with an empty one', () => {
    expect(queryToken('/ws')).toBeUndefined();
    expect(queryToken(undefined)).toBeUndefined();
    expect(queryToken('/ws?types=x')).toBeUndefined();
    expect(queryToken('/ws?token=')).toBeUndefined();
  });
});
