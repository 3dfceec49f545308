// The host side of std/cluster: the `__cluster_*` host builtins. A thread running a cluster
// node's worker names that node for every VM in it; a program's VM attached to a cluster sees
// the cluster's nodes. Without either, code runs "local" and there are no nodes.

import type { JsValue } from "./values.js";
import type { VM } from "./vm.js";

export interface ClusterView {
  /** The node running the code. */
  here: string;
  /** The live nodes. */
  nodes(): { name: string; workers: number; load: number }[];
}

const LOCAL: ClusterView = { here: "local", nodes: () => [] };
let threadView: ClusterView = LOCAL;

/** What every VM of this thread sees (a cluster node's worker thread sets it once). */
export function setThreadClusterView(view: ClusterView): void {
  threadView = view;
}

/** Registers std/cluster's host builtins in `vm`; `view` gives what the VM sees, when it has its own. */
export function installClusterHost(vm: VM, view: () => ClusterView | undefined): void {
  vm.registerHost("__cluster_here", () => (view() ?? threadView).here);
  vm.registerHost("__cluster_nodes", () => (view() ?? threadView).nodes().map(({ name, workers, load }): JsValue => ({ name, workers, load })));
}
