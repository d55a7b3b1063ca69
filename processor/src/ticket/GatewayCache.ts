import { createHash } from 'node:crypto';
import { JiraGateway, type Credentials, type JiraGatewayOptions } from './JiraGateway.ts';

/** One jira.js client per set of credentials: built again only when the site, e-mail or token change. */
export class GatewayCache {
  readonly #options: JiraGatewayOptions;
  #key = '';
  #gateway: JiraGateway | undefined;

  constructor(options: JiraGatewayOptions = {}) {
    this.#options = options;
  }

  gatewayFor(credentials: Credentials): JiraGateway {
    // A digest, so the token is not kept twice in memory as plain text.
    const key = createHash('sha256').update(`${credentials.baseUrl}\n${credentials.email}\n${credentials.apiToken}`).digest('hex');
    if (this.#gateway === undefined || key !== this.#key) {
      this.#gateway = new JiraGateway(credentials, this.#options);
      this.#key = key;
    }
    return this.#gateway;
  }
}
