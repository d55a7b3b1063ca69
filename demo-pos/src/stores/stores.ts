import type { Store } from './Store.ts';

function kiosks(count: number): string[] {
  return Array.from({ length: count }, (_, index) => `KIOSK_${String(index + 1).padStart(3, '0')}`);
}

/** The demo chain: five stores of different sizes, so a kiosk id can be valid in one and not another. */
export const defaultStores: readonly Store[] = [
  { id: 'STORE_001', name: 'Downtown', kiosks: kiosks(4) },
  { id: 'STORE_002', name: 'Airport', kiosks: kiosks(6) },
  { id: 'STORE_003', name: 'University', kiosks: kiosks(3) },
  { id: 'STORE_004', name: 'Harbour', kiosks: kiosks(2) },
  { id: 'STORE_005', name: 'Station', kiosks: kiosks(5) },
];
