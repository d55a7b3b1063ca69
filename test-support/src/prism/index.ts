// @stacklens/test-support/prism: Prism (Stoplight's OpenAPI mock server) serving the vendors' own documents.
export { startPrism, type PrismServer } from './prismServer.ts';
export { startPrismJira } from './prismJira.ts';
export { startPrismOpenAi } from './prismOpenAi.ts';
export { JIRA_SPEC, OPENAI_SPEC } from './specs.ts';
