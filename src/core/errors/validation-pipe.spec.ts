import { IsString } from 'class-validator';
import { ApiError } from './api-error';
import { createValidationPipe, MAX_BODY_DEPTH } from './validation-pipe';

class NamedDto {
  @IsString()
  name!: string;
}

function nested(depth: number): unknown {
  let value: unknown = 'leaf';
  for (let i = 0; i < depth; i += 1) value = { inner: value };
  return value;
}

describe('the global validation pipe', () => {
  const pipe = createValidationPipe();

  it('hands a value with no class to validate against straight back, without a promise', () => {
    const body = { message: 'hello' };
    expect(pipe.transform(body, { type: 'body', metatype: Object })).toBe(body);
    expect(pipe.transform('abc', { type: 'param', data: 'id', metatype: String })).toBe('abc');
    expect(pipe.transform(body, { type: 'body' })).toBe(body);
  });

  it('still turns a query or path value into its declared primitive, as ValidationPipe does', () => {
    expect(pipe.transform('5', { type: 'query', data: 'limit', metatype: Number })).toBe(5);
    expect(pipe.transform('true', { type: 'query', data: 'all', metatype: Boolean })).toBe(true);
    expect(pipe.transform(undefined, { type: 'query', data: 'limit', metatype: Number })).toBe(
      undefined,
    );
  });

  it('validates a DTO and names each offending field', async () => {
    await expect(
      pipe.transform({ name: 'x' }, { type: 'body', metatype: NamedDto }),
    ).resolves.toBeInstanceOf(NamedDto);
    const refusal = await Promise.resolve()
      .then(() => pipe.transform({ name: 3, extra: 1 }, { type: 'body', metatype: NamedDto }))
      .catch((err: unknown) => err);
    expect(refusal).toBeInstanceOf(ApiError);
    expect((refusal as ApiError).message).toBe('Invalid fields: extra, name');
  });

  it('refuses input nested deeper than the limit, with or without a class', () => {
    const deep = nested(MAX_BODY_DEPTH + 2);
    for (const metatype of [Object, NamedDto]) {
      expect(() => pipe.transform(deep, { type: 'body', metatype })).toThrow(
        expect.objectContaining({ code: 'body_too_deep' }),
      );
    }
    expect(pipe.transform(nested(MAX_BODY_DEPTH - 2), { type: 'body', metatype: Object })).toEqual(
      nested(MAX_BODY_DEPTH - 2),
    );
  });
});
