import { PosError, type FailureContext } from '../errors.ts';
import type { Store } from './Store.ts';

/** Which kiosks belong to which store: an order from anywhere else is a configuration fault. */
export class StoreDirectory {
  readonly #stores: ReadonlyMap<string, Store>;

  constructor(stores: readonly Store[]) {
    this.#stores = new Map(stores.map((store) => [store.id, store]));
  }

  list(): Store[] {
    return [...this.#stores.values()];
  }

  /** The store, or INVALID_STORE_CONFIG when the store is unknown or the kiosk is not one of its own. */
  resolveKiosk(storeId: string, kioskId: string, context: FailureContext = {}): Store {
    const store = this.#stores.get(storeId);
    if (!store) {
      throw new PosError('INVALID_STORE_CONFIG', `Store ${storeId} is not configured`, context);
    }
    if (!store.kiosks.includes(kioskId)) {
      throw new PosError(
        'INVALID_STORE_CONFIG',
        `Kiosk ${kioskId} is not configured for store ${storeId} (known: ${store.kiosks.join(', ')})`,
        context,
      );
    }
    return store;
  }
}
