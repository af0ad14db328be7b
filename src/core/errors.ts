// A UserError is something the user can fix (bad path, no Python): it prints a message and what to try, never a
// stack. Anything else that escapes is a bug of ours and prints the stack with where to report it.
export class UserError extends Error {
  constructor(
    message: string,
    readonly hint?: string,
  ) {
    super(message);
    this.name = "UserError";
  }
}

export class BugError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "BugError";
  }
}

export function isUserError(error: unknown): error is UserError {
  return error instanceof UserError;
}
