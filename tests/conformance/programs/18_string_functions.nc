// split join trim upper lower replace find starts_with ends_with fixed
print(split("a,b,,c", ","), split("one two", " "), split("x", ","), len(split("", ",")))
print(join(["a", "b", "c"], "-"), join([], ","), join(["solo"], ", "))
print("[" + trim("  padded\t\n") + "]", upper("noodle é"), lower("MiXeD"))
print(replace("a-b-c", "-", "+"), replace("aaa", "a", "bb"), replace("none", "x", "y"))
print(find("héllo", "l"), find("héllo", "lo"), find("abc", "z"), find("abc", ""))
print(starts_with("noodle", "noo"), starts_with("noodle", "dle"), ends_with("noodle", "dle"), ends_with("a", "abc"))
print(fixed(3.14159, 2), fixed(2.5, 0), fixed(-2.5, 0), fixed(1, 3), fixed(0.125, 2))
