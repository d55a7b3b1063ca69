export interface Store {
  id: string;
  name: string;
  kiosks: readonly string[];
}
