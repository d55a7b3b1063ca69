/**
 * The key of an incident's per-kiosk count: `STORE_001/KIOSK_001`. Kiosk ids repeat from store
 * to store (every store has a KIOSK_001), so a kiosk is named with its store; a kiosk that
 * reported no store keeps its bare id.
 */
export function kioskKey(storeId: string | undefined, kioskId: string): string {
  return storeId ? `${storeId}/${kioskId}` : kioskId;
}
