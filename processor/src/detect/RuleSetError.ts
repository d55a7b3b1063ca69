/**
 * A rules file that cannot be used. The message names the file and the bad field, e.g.
 * `rules.yaml: rules[2].severity must be one of CRITICAL, HIGH, MEDIUM, LOW`, so a bad edit is
 * fixed from the start-up log alone.
 */
export class RuleSetError extends Error {
  override readonly name = 'RuleSetError';
  /** The file (or source name) the rules came from. */
  readonly sourceName: string;
  /** The bad field as a path (`rules[2].severity`), '' when the problem is the whole file. */
  readonly field: string;
  /** 1-based line of a syntax error, when known. */
  readonly line: number | undefined;

  constructor(sourceName: string, field: string, problem: string, line?: number) {
    super(`${sourceName}: ${field === '' ? '' : `${field} `}${problem}`);
    this.sourceName = sourceName;
    this.field = field;
    this.line = line;
  }
}
