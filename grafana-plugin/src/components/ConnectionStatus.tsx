import { Badge } from '@grafana/ui';
import type { useLiveFeed } from '../hooks/useLiveFeed.ts';
import { testIds } from './testIds.ts';

type State = ReturnType<typeof useLiveFeed>;

/** The live feed's connection state, so a frozen table is never mistaken for a quiet system. */
export function ConnectionStatus({ state }: { state: State }) {
  const badge = (() => {
    switch (state.status) {
      case 'live':
        return <Badge color="green" icon="circle-mono" text="Live" />;
      case 'connecting':
        return <Badge color="blue" icon="sync" text={state.attempt > 1 ? `Connecting (attempt ${state.attempt})` : 'Connecting'} />;
      case 'reconnecting':
        return (
          <Badge
            color="orange"
            icon="exclamation-triangle"
            text={`Reconnecting in ${Math.ceil(state.retryInMs / 1000)} s`}
            tooltip={`${state.reason} (attempt ${state.attempt})`}
          />
        );
      case 'unconfigured':
        return (
          <Badge color="darkgrey" text="Live feed not configured" tooltip="Set the receiver's public URL on the configuration page." />
        );
      default:
        return <Badge color="darkgrey" text="Stopped" />;
    }
  })();
  return (
    <span
      data-testid={testIds.live.connection}
      data-state={state.status}
      title={state.status === 'reconnecting' ? state.reason : undefined}
    >
      {badge}
    </span>
  );
}
