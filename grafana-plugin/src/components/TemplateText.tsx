import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { useStyles2 } from '@grafana/ui';
import { placeholderMeaning, templateParts } from '../format/template.ts';

/** A message template with its variables marked as such (`Product <num> has no price`). */
export function TemplateText({ template, className }: { template: string; className?: string }) {
  const styles = useStyles2(getStyles);
  return (
    <span className={className} data-template={template}>
      {templateParts(template).map((part, index) =>
        part.kind === 'text' ? (
          part.text
        ) : (
          <span key={index} className={styles.variable} data-variable={part.name} title={`Variable: ${placeholderMeaning(part.name)}`}>
            {part.text}
          </span>
        ),
      )}
    </span>
  );
}

/** One real message of the incident, as it was logged. */
export function ExampleMessage({ message, className }: { message: string; className?: string }) {
  const styles = useStyles2(getStyles);
  return (
    <span className={className}>
      <span className={styles.label}>e.g. </span>
      <q className={styles.example} data-example>
        {message}
      </q>
    </span>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  variable: css({
    fontFamily: theme.typography.fontFamilyMonospace,
    fontSize: '0.9em',
    color: theme.colors.info.text,
    background: theme.colors.info.transparent,
    borderRadius: theme.shape.radius.default,
    padding: theme.spacing(0, 0.5),
  }),
  label: css({ color: theme.colors.text.secondary }),
  example: css({
    fontFamily: theme.typography.fontFamilyMonospace,
    fontSize: theme.typography.bodySmall.fontSize,
    wordBreak: 'break-word',
    quotes: 'none',
  }),
});
