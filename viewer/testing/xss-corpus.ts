/**
 * Hostile strings planted in every text field of a fixture. If any of them executes, it sets
 * window.__xss (or calls alert, which the tests hook); if any loads, the request shows up in the tests.
 */
export const XSS_CORPUS: readonly string[] = [
  '<script>window.__xss=1;alert(1)</script>',
  '"><img src=x onerror="window.__xss=2">',
  "'><svg onload=window.__xss=3>",
  '</script><script>window.__xss=4</script>',
  'javascript:window.__xss=5',
  'line\u2028separator\u2029paragraph',
  '<!-- <script>window.__xss=6</script> -->',
  '{{constructor.constructor("window.__xss=7")()}}',
  '<a href="https://example.invalid/leak">x</a><link rel=stylesheet href=https://example.invalid/x.css>',
  '<style>@import url(https://example.invalid/y.css)</style>',
  '&lt;script&gt;window.__xss=8&lt;/script&gt; & <b>bold</b>',
];

/** Deterministically pick a corpus entry so fields get different payloads. */
export function xss(i: number): string {
  return XSS_CORPUS[Math.abs(i) % XSS_CORPUS.length]!;
}
