import { ApiError } from './api-error';
import { CoreErrors } from './core-errors';
import { declareErrorCodes, statusOfCode } from './error-codes';
import { renderError } from './error-body';

describe('declared error codes', () => {
  it('maps each declared code to its status, in the error and in the rendered body', () => {
    const Codes = declareErrorCodes('spec_owner', { spec_widget_locked: 423 });
    const err = new ApiError(Codes.spec_widget_locked, 'The widget is locked');
    expect(err.status).toBe(423);
    expect(renderError(err, 'cid')).toMatchObject({
      status: 423,
      body: { error: 'spec_widget_locked', status_code: 423, message: 'The widget is locked' },
    });
    expect(statusOfCode(CoreErrors.module_dormant.code)).toBe(503);
  });

  it('refuses a code declared again with another status, naming both owners', () => {
    declareErrorCodes('first_owner', { spec_same_code: 409 });
    expect(() => declareErrorCodes('first_owner_again', { spec_same_code: 409 })).not.toThrow();
    expect(() => declareErrorCodes('second_owner', { spec_same_code: 422 })).toThrow(
      /spec_same_code: second_owner answers 422, first_owner already answers 409/,
    );
  });

  it('refuses a status that is not an HTTP error', () => {
    expect(() => declareErrorCodes('bad_owner', { spec_fine: 200 })).toThrow(/not an HTTP error/);
  });

  it('answers 500 for a code nobody declared', () => {
    expect(statusOfCode('spec_never_declared')).toBe(500);
  });
});
