import type { QueryParams } from './ClickHouseTransport.ts';

/**
 * A WHERE clause built from fixed SQL fragments whose values travel as bound
 * `{name:Type}` parameters: a filter's value never becomes SQL text.
 */
export class SqlConditions {
  readonly params: QueryParams = {};
  readonly #fragments: string[] = [];

  /** Adds `fragment` (which refers to `{name:Type}`) when `value` is given. */
  add(fragment: string, name: string, value: string | number | undefined): this {
    if (value === undefined) return this;
    this.#fragments.push(fragment);
    this.params[name] = value;
    return this;
  }

  /** `WHERE a AND b`, or '' when there is no condition. */
  where(): string {
    return this.#fragments.length === 0 ? '' : `WHERE ${this.#fragments.join(' AND ')}`;
  }
}
