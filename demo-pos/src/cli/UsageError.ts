/** A command line the CLI cannot run: the message says what is wrong and what would be right. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}
