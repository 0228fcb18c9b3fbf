/**
 * What a canned reply's placeholders become when an agent inserts it: `{{user.name}}` the
 * chat's user, `{{agent.name}}` the agent. Pure, so the console runs it in the browser
 * (filled where the agent can still read and change the text before sending it). Spaces
 * inside the braces are allowed; any other `{{…}}` is left as written.
 */
export interface PlaceholderValues {
  userName: string;
  agentName: string;
}

export const PLACEHOLDERS = ['{{user.name}}', '{{agent.name}}'] as const;

export function fillPlaceholders(content: string, values: PlaceholderValues): string {
  return content.replace(/\{\{\s*(user|agent)\.name\s*\}\}/g, (_, who: string) =>
    who === 'user' ? values.userName : values.agentName,
  );
}
