'use strict';
// The planted CPU work: a box blur over a greyscale "image", repeated. Plain JavaScript so the profile
// shows a real hot function; it runs for a fixed time, so the truth is the same on any machine.

const SIDE = 64;

/** Blurs `pixels` (SIDE x SIDE) `passes` times; returns a checksum so the work cannot be optimised away. */
function blurThumbnail(pixels, passes) {
  let src = Float64Array.from(pixels);
  let dst = new Float64Array(src.length);
  for (let p = 0; p < passes; p++) {
    for (let y = 1; y < SIDE - 1; y++) {
      for (let x = 1; x < SIDE - 1; x++) {
        const i = y * SIDE + x;
        dst[i] = (src[i - SIDE - 1] + src[i - SIDE] + src[i - SIDE + 1] + src[i - 1] + src[i] + src[i + 1] +
          src[i + SIDE - 1] + src[i + SIDE] + src[i + SIDE + 1]) / 9;
      }
    }
    [src, dst] = [dst, src];
  }
  let sum = 0;
  for (let i = 0; i < src.length; i++) sum += src[i];
  return sum;
}

function samplePixels(seed = 1) {
  const pixels = new Uint8Array(SIDE * SIDE);
  let x = seed;
  for (let i = 0; i < pixels.length; i++) {
    x = (x * 1103515245 + 12345) & 0x7fffffff;
    pixels[i] = x & 0xff;
  }
  return pixels;
}

/**
 * Blurs for `ms` milliseconds of wall time, whole passes at a time: the planted work lasts the same on a fast
 * or a slow (or profiled) machine, which a fixed number of passes calibrated at startup did not.
 * @returns {{ checksum: number, passes: number }}
 */
function blurFor(pixels, ms) {
  const end = performance.now() + ms;
  let passes = 0;
  let checksum = 0;
  while (performance.now() < end) {
    checksum = blurThumbnail(pixels, 4);
    passes += 4;
  }
  return { checksum, passes };
}

module.exports = { blurThumbnail, blurFor, samplePixels, SIDE };
