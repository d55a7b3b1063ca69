/**
 * The top frame of a stack trace as `function (file)`: the first `at …` line (V8 and JVM
 * style), the function name as written and the file's base name, without line or column, so
 * that a redeploy that moves code around does not split an incident. '' when there is no
 * such frame (no stack, or a format without `at` lines).
 *
 *   at Catalogue.priceOf (file:///app/src/catalogue/Catalogue.ts:31:13)  → `Catalogue.priceOf (Catalogue.ts)`
 *   at /app/src/main.ts:12:5                                            → `<anonymous> (main.ts)`
 *   at com.shop.Checkout.total(Checkout.java:42)                       → `com.shop.Checkout.total (Checkout.java)`
 */
export function topStackFrame(stacktrace: string | undefined): string {
  if (stacktrace === undefined || stacktrace === '') return '';
  const frame = FIRST_FRAME.exec(stacktrace)?.[1]?.trim();
  if (frame === undefined || frame === '') return '';
  const call = CALL_WITH_LOCATION.exec(frame);
  if (call === null) return `<anonymous> (${fileOf(frame)})`;
  const [, name = '', location = ''] = call;
  return `${name.trim() || '<anonymous>'} (${fileOf(location)})`;
}

const FIRST_FRAME = /^[ \t]*at[ \t]+(.+)$/m;
/** `name (location)` or JVM's `name(location)`; the location is in the last parentheses. */
const CALL_WITH_LOCATION = /^(.*?)[ \t]*\(([^()]*)\)$/;

/** `file:///app/src/x.ts:31:13` → `x.ts`; `native`, `<anonymous>` stay as they are. */
function fileOf(location: string): string {
  const withoutPosition = location.replace(/(?::\d+){1,2}$/, '').replace(/[?#].*$/, '');
  const lastSeparator = Math.max(withoutPosition.lastIndexOf('/'), withoutPosition.lastIndexOf('\\'));
  return withoutPosition.slice(lastSeparator + 1);
}
