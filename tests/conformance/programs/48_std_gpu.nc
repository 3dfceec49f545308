// 1.1: std/gpu says whether a GPU can be used; a program runs the same either way
import "std/gpu" as gpu
print(type(gpu.available()))
print(gpu.available() == true or gpu.available() == false)
