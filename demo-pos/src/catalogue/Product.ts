export interface Product {
  id: number;
  name: string;
  category: string;
  /** Price in cents. Absent when the catalogue feed never delivered one (product 999). */
  priceCents?: number;
  /** How many units a full shelf holds; restocking tops the shelf back up to this. */
  shelfCapacity: number;
}
