import { useEffect, useRef, useState } from 'react';
import { LiveFeedClient, type ConnectionState } from '../live/LiveFeedClient.ts';
import { useStackLens } from '../StackLensContext.tsx';
import type { LiveEvent } from '../types.ts';

/** Keeps one live-feed connection open while the component is mounted and hands it every event. */
export function useLiveFeed(onEvent: (event: LiveEvent, replayed: boolean) => void): ConnectionState | { status: 'unconfigured' } {
  const { api, liveUrl, openSocket } = useStackLens();
  const [state, setState] = useState<ConnectionState | { status: 'unconfigured' }>(
    liveUrl ? { status: 'connecting', attempt: 1 } : { status: 'unconfigured' },
  );
  // The latest handler, for the connection opened once below; refs are written after render, not during it.
  const handler = useRef(onEvent);
  useEffect(() => {
    handler.current = onEvent;
  });

  useEffect(() => {
    if (!liveUrl) return;
    const client = new LiveFeedClient({
      receiverUrl: liveUrl,
      fetchTicket: async () => (await api.liveTicket()).ticket,
      onEvent: (event, replayed) => handler.current(event, replayed),
      onState: setState,
      ...(openSocket ? { openSocket } : {}),
    });
    client.start();
    return () => client.stop();
  }, [api, liveUrl, openSocket]);

  return state;
}
