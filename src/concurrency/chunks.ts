// How a list is cut for mapping it over workers: four chunks per worker, enough that a worker
// finishing early gets more, in order.

const CHUNKS_PER_WORKER = 4;

export function chunksFor<T>(xs: T[], workers: number): T[][] {
  const per = Math.max(1, Math.ceil(xs.length / (workers * CHUNKS_PER_WORKER)));
  const chunks: T[][] = [];
  for (let i = 0; i < xs.length; i += per) chunks.push(xs.slice(i, i + per));
  return chunks;
}
