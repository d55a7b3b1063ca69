import type { MouseEvent, ReactNode } from 'react';
import { useStackLens } from '../StackLensContext.tsx';

/**
 * A link to a page of the app that moves with the app's navigation (Grafana's location service,
 * the harness's history) on a plain click, and opens a tab on a modified one. Not @grafana/ui's
 * TextLink: that needs Grafana's router, which the harness and the panel do not have.
 */
export function PageLink({
  page,
  params,
  className,
  children,
}: {
  page: string;
  params: Record<string, string>;
  className?: string;
  children: ReactNode;
}) {
  const { pageUrl, navigate } = useStackLens();
  const url = pageUrl(page, params);
  const open = (event: MouseEvent<HTMLAnchorElement>) => {
    if (event.metaKey || event.ctrlKey || event.shiftKey || event.button !== 0) return;
    event.preventDefault();
    navigate(url);
  };
  return (
    <a href={url} onClick={open} className={className}>
      {children}
    </a>
  );
}
