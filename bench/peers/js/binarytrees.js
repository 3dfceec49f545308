// binary-trees, max depth 14 (see bench/programs/binarytrees.nc).
// A node is an array [left, right]; a leaf is [null, null].

function bottomUpTree(depth) {
  if (depth > 0) {
    return [bottomUpTree(depth - 1), bottomUpTree(depth - 1)];
  }
  return [null, null];
}

function itemCheck(node) {
  if (node[0] === null) return 1;
  return 1 + itemCheck(node[0]) + itemCheck(node[1]);
}

/** @param {(...values: unknown[]) => void} print Noodle-style print. */
export default function main(print) {
  const n = 14;
  const minDepth = 4;
  const maxDepth = Math.max(minDepth + 2, n);
  const stretchDepth = maxDepth + 1;
  const stretchCheck = itemCheck(bottomUpTree(stretchDepth));
  print(`stretch tree of depth ${stretchDepth}\t check: ${stretchCheck}`);

  const longLived = bottomUpTree(maxDepth);

  for (let depth = minDepth; depth <= maxDepth; depth += 2) {
    const iterations = 2 ** (maxDepth - depth + minDepth);
    let check = 0;
    for (let i = 0; i < iterations; i++) {
      check += itemCheck(bottomUpTree(depth));
    }
    print(`${iterations}\t trees of depth ${depth}\t check: ${check}`);
  }

  print(`long lived tree of depth ${maxDepth}\t check: ${itemCheck(longLived)}`);
}
