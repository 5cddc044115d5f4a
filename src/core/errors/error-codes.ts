/**
 * Error codes are declared by the module that raises them, each with the HTTP status it answers;
 * the one exception filter maps a thrown code to its status (twenty's per-module exception codes).
 * Services name what went wrong, never a status.
 */
export interface ErrorCode<C extends string = string> {
  readonly code: C;
  /** Who declared it: a module name, or `core`. */
  readonly owner: string;
}

const statusByCode = new Map<string, { status: number; owner: string }>();

/**
 * Declares a module's codes with their statuses. A code may be declared twice only with the same
 * status; anything else is a programming error caught when the module is loaded.
 */
export function declareErrorCodes<const T extends Record<string, number>>(
  owner: string,
  codes: T,
): { readonly [K in keyof T & string]: ErrorCode<K> } {
  const declared = {} as Record<string, ErrorCode>;
  for (const [code, status] of Object.entries(codes)) {
    if (!Number.isInteger(status) || status < 400 || status > 599) {
      throw new Error(`error code ${code} of ${owner}: ${status} is not an HTTP error status`);
    }
    const earlier = statusByCode.get(code);
    if (earlier && earlier.status !== status) {
      throw new Error(
        `error code ${code}: ${owner} answers ${status}, ${earlier.owner} already answers ${earlier.status}`,
      );
    }
    if (!earlier) statusByCode.set(code, { status, owner });
    declared[code] = Object.freeze({ code, owner });
  }
  return declared as { readonly [K in keyof T & string]: ErrorCode<K> };
}

/** The HTTP status of a declared code; 500 for a code nobody declared (a bug, logged as such). */
export function statusOfCode(code: string): number {
  return statusByCode.get(code)?.status ?? 500;
}

export function isDeclaredCode(code: string): boolean {
  return statusByCode.has(code);
}
