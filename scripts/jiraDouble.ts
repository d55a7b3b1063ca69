/**
 * `npm run jira:double`: the Jira Cloud double of our tests on a local port, so anyone can watch
 * StackLens file a ticket without a Jira site. It is a test double, not Jira: it keeps issues in
 * memory, answers the REST v3 calls StackLens makes, and checks what Jira checks where StackLens
 * depends on it (basic auth, the summary, ADF, labels, priorities, issue types). It prints the
 * settings to paste, then every ticket and comment it receives. Ctrl-C stops it (the issues go).
 *
 *   JIRA_DOUBLE_PORT (default 8089), RECEIVER_PORT (default 4318, for the printed command)
 */
import { startJiraDouble } from '@stacklens/test-support/jira';

const port = Number(process.env.JIRA_DOUBLE_PORT ?? '8089');
const receiverUrl = `http://127.0.0.1:${process.env.RECEIVER_PORT ?? '4318'}`;
const credentials = { email: 'demo@example.com', apiToken: 'stacklens-demo-token' };

const jira = await startJiraDouble({ port, credentials, projectKey: 'POS' });
const settings = {
  baseUrl: jira.url,
  email: credentials.email,
  apiToken: credentials.apiToken,
  projectKey: 'POS',
  issueType: 'Bug',
  enabled: true,
  autoCreate: true,
};

console.log(`A Jira double (a test stand-in, not Jira) listens on ${jira.url}: project POS, issue types Bug and Task.

Paste these settings into the plugin's configuration page (Jira), or send them to the receiver
from the project folder (STACKLENS_ADMIN_TOKEN instead, if you set it):

  ADMIN_TOKEN=$(node -p "require('./data/api-tokens.json').admin")
  curl -X PUT ${receiverUrl}/api/integrations/jira \\
    -H "Authorization: Bearer $ADMIN_TOKEN" -H 'content-type: application/json' \\
    -d '${JSON.stringify(settings)}'

Site URL ${settings.baseUrl} · e-mail ${settings.email} · API token ${settings.apiToken} · project POS · issue type Bug
A wrong token is refused (401) as Jira would: the jobs wait, and saving the right one files them.
Then break a sale (npm run test-errors -- --scenario missing-price --store STORE_001 --count 1):
the ticket appears below. Ctrl-C stops the double.
`);

// What arrives, as it arrives: the double keeps issues in memory and this prints the news.
const seen = new Map<string, { comments: number; status: string }>();
const timer = setInterval(() => {
  for (const issue of jira.issues) {
    const known = seen.get(issue.key);
    if (!known)
      console.log(`${issue.key} created: ${issue.summary} (priority ${issue.priority ?? 'default'}, labels ${issue.labels.join(', ')})`);
    else {
      if (issue.comments.length > known.comments) console.log(`${issue.key}: ${issue.comments.length - known.comments} new comment(s)`);
      if (issue.status !== known.status) console.log(`${issue.key}: moved to ${issue.status}`);
    }
    seen.set(issue.key, { comments: issue.comments.length, status: issue.status });
  }
}, 500);

const stop = async (): Promise<void> => {
  clearInterval(timer);
  await jira.close();
  process.exit(0);
};
process.once('SIGINT', () => void stop());
process.once('SIGTERM', () => void stop());
