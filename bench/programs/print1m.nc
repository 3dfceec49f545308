// One million prints, one number per line: the cost of output through the command line.
for i in 0..1000000 {
  print(i)
}
