import type SharpModule from "sharp";

/**
 * sharp (libvips), loaded on first use rather than at import: a job's worker or a web process
 * that never touches an image does not pay its load (about 0.3 s of CPU each time a worker starts).
 * Its cache is set once: a few decoded images, no open files.
 */
let loading: Promise<typeof SharpModule> | null = null;

export function loadSharp(): Promise<typeof SharpModule> {
  loading ??= import("sharp").then((m) => {
    const sharp = (m as unknown as { default?: typeof SharpModule }).default ?? (m as unknown as typeof SharpModule);
    sharp.cache({ memory: 32, items: 20, files: 0 });
    return sharp;
  });
  return loading;
}
