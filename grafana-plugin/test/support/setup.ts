// Testing Library's DOM matchers and clean-up between tests, plus the browser APIs jsdom lacks that
// Grafana's UI packages touch while loading (uPlot asks matchMedia for the pixel ratio).
import '@testing-library/jest-dom/vitest';
import { afterEach } from 'vitest';

if (typeof window !== 'undefined') {
  window.matchMedia ??= (query: string) =>
    ({
      matches: false,
      media: query,
      onchange: null,
      addListener: () => {},
      removeListener: () => {},
      addEventListener: () => {},
      removeEventListener: () => {},
      dispatchEvent: () => false,
    }) as MediaQueryList;
  globalThis.ResizeObserver ??= class {
    observe(): void {}
    unobserve(): void {}
    disconnect(): void {}
  };
  const { cleanup } = await import('@testing-library/react');
  afterEach(() => cleanup());
}
