// RUN: scanjit-opt %s -p reconcile-unrealized-casts | filecheck %s

// A value cast to another type and back is the value; a cast nobody reads
// goes; a cast whose result is used as the other type stays.
func.func @f(%n: index, %m: i64) -> (index, i64) {
  %a = builtin.unrealized_conversion_cast %n : index to i64
  %b = builtin.unrealized_conversion_cast %a : i64 to index
  %dead = builtin.unrealized_conversion_cast %m : i64 to index
  %kept = builtin.unrealized_conversion_cast %n : index to i64
  func.return %b, %kept : index, i64
}

// CHECK:      func.func @f(%n: index, %m: i64) -> (index, i64) {
// CHECK-NEXT:   %kept = builtin.unrealized_conversion_cast %n : index to i64
// CHECK-NEXT:   func.return %n, %kept : index, i64
// CHECK-NEXT: }
