import { fileURLToPath } from 'node:url';

// The vendors' OpenAPI documents, kept in this workspace (sources and licences: specs/README.md).

/** Atlassian's Jira Cloud platform REST v3 OpenAPI document. */
export const JIRA_SPEC = fileURLToPath(new URL('../../specs/jira-platform-v3.json', import.meta.url));
/** OpenAI's OpenAPI document (github.com/openai/openai-openapi). */
export const OPENAI_SPEC = fileURLToPath(new URL('../../specs/openai.yaml', import.meta.url));
