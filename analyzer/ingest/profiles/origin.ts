import type { FrameOrigin } from '../../model/profile.js';

const RUNTIME_NAMES = new Set(['(program)', '(garbage collector)', '(idle)', '(root)', '(unknown)', '(native)']);
// CPython's standard library lives in .../lib/python3.X/ (outside site-packages), or is frozen into the binary.
const PY_STDLIB = /(^|[\\/])(lib|Lib)[\\/]python\d(\.\d+)?[\\/]|^<frozen /;

/** Whose code is this frame: the app's, a dependency's, or the runtime's? */
export function frameOrigin(name: string, file: string | undefined): FrameOrigin {
  if (file) {
    if (file.includes('node_modules/') || file.includes('node_modules\\')) return 'dependency';
    if (file.includes('site-packages') || file.includes('dist-packages')) return 'dependency';
    if (file.startsWith('node:') || file.startsWith('internal/')) return 'runtime';
    if (PY_STDLIB.test(file)) return 'runtime';
    return 'app';
  }
  if (RUNTIME_NAMES.has(name) || name.startsWith('native ')) return 'runtime';
  // No file: a builtin or native function.
  return 'runtime';
}
