// The standard module std/cluster: where code runs, and the cluster's nodes, written in Noodle
// over the host's `__cluster_*` builtins (src/runtime/cluster-host.ts).
// Import it with `import "std/cluster" as cluster`.

export const CLUSTER_SOURCE = `// std/cluster: where this code runs, and the cluster's nodes.

// The name of the cluster node running this code; "local" outside the cluster's nodes (the
// program's own VM included).
func here() { return __cluster_here() }

// The cluster's live nodes, as maps with "name", "workers" and "load" (workers in use per
// worker offered); [] without a cluster.
func nodes() { return __cluster_nodes() }
`;
