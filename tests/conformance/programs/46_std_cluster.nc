// 1.1: without a cluster, code runs on the node named "local"
import "std/cluster" as cluster
print(cluster.here())
func where() { return cluster.here() }
print(await spawn where())
