import type { Product } from './Product.ts';

/** The product ids the demo's failure scenarios lean on. */
export const MYSTERY_PRODUCT_ID = 999;

/**
 * The demo catalogue. Product 999 has no price on purpose: it is how MISSING_PRICE happens
 * for real, when an order reaches the pricing code.
 */
export const defaultProducts: readonly Product[] = [
  { id: 101, name: 'Classic Burger', category: 'Mains', priceCents: 899, shelfCapacity: 200 },
  { id: 102, name: 'Cheese Burger', category: 'Mains', priceCents: 999, shelfCapacity: 200 },
  { id: 103, name: 'Veggie Wrap', category: 'Mains', priceCents: 849, shelfCapacity: 120 },
  { id: 104, name: 'Chicken Nuggets (9)', category: 'Mains', priceCents: 699, shelfCapacity: 150 },
  { id: 105, name: 'French Fries', category: 'Sides', priceCents: 349, shelfCapacity: 300 },
  { id: 106, name: 'Garden Salad', category: 'Sides', priceCents: 499, shelfCapacity: 80 },
  { id: 107, name: 'Onion Rings', category: 'Sides', priceCents: 399, shelfCapacity: 100 },
  { id: 108, name: 'Cola', category: 'Drinks', priceCents: 249, shelfCapacity: 400 },
  { id: 109, name: 'Orange Juice', category: 'Drinks', priceCents: 299, shelfCapacity: 150 },
  { id: 110, name: 'Coffee', category: 'Drinks', priceCents: 229, shelfCapacity: 250 },
  { id: 111, name: 'Chocolate Sundae', category: 'Desserts', priceCents: 449, shelfCapacity: 60 },
  { id: MYSTERY_PRODUCT_ID, name: 'Mystery Product', category: 'Specials', shelfCapacity: 50 },
];
