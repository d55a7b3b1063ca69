import { render } from '@testing-library/react';
import { type ReactElement } from 'react';
import { createStackLensApi } from '../../src/api/StackLensApi.ts';
import { StackLensProvider, type StackLensServices } from '../../src/StackLensContext.tsx';
import { FakeReceiver } from './fakeReceiver.ts';
import { FakeSocket } from './FakeSocket.ts';

/** Renders a component with the services the pages expect, over a FakeReceiver and FakeSockets. */
export function renderWithServices(element: ReactElement, receiver = new FakeReceiver(), overrides: Partial<StackLensServices> = {}) {
  const navigated: string[] = [];
  const services: StackLensServices = {
    api: createStackLensApi(receiver),
    liveUrl: 'http://receiver.test:4318',
    openSocket: FakeSocket.factory,
    pageUrl: (page, params = {}) => `/a/test/${page}${Object.keys(params).length ? `?${new URLSearchParams(params)}` : ''}`,
    navigate: (url) => navigated.push(url),
    ...overrides,
  };
  const result = render(<StackLensProvider services={services}>{element}</StackLensProvider>);
  return { ...result, receiver, navigated, services };
}
