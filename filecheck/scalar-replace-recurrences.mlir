// RUN: scanjit-opt %s -p scalar-replace-recurrences | filecheck %s

// A running sum over rows (Example 3's scan, bufferized). When steps run and
// the row has 1 to 8 columns, the column loop moves out and row t + 1 is
// computed from values carried in registers instead of row t reloaded from %r,
// in one step loop whose lanes are two runs of columns (overlapping on
// narrower rows); an empty or wider row runs the loop pair as it was.
func.func @running_sum(%m: memref<?x?xf64>, %n: index, %w: index) -> memref<?x?xf64> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %rows = arith.addi %n, %c1 : index
  %r = memref.alloc(%rows, %w) : memref<?x?xf64>
  scf.for %t = %c0 to %n step %c1 {
    %width = memref.dim %r, %c1 : memref<?x?xf64>
    %same = arith.cmpi eq, %width, %w : index
    sj.check %same, "ValueError: output 0 of scan changes shape between steps"
    %next = arith.addi %t, %c1 : index
    scf.for %j = %c0 to %w step %c1 {
      %x = memref.load %m[%t, %j] : memref<?x?xf64>
      %prev = memref.load %r[%t, %j] : memref<?x?xf64>
      %s = arith.addf %x, %prev : f64
      memref.store %s, %r[%next, %j] : memref<?x?xf64>
    }
  }
  func.return %r : memref<?x?xf64>
}

// CHECK-LABEL: func.func @running_sum
// CHECK:         %[[RUNS:.*]] = arith.cmpi slt, %c0, %n : index
// CHECK-NEXT:    %[[ONE:.*]] = arith.constant 1 : index
// CHECK-NEXT:    %[[LAST:.*]] = arith.subi %w, %[[ONE]] : index
// CHECK-NEXT:    %[[SEVEN:.*]] = arith.constant 7 : index
// CHECK-NEXT:    %[[NARROW:.*]] = arith.cmpi ule, %[[LAST]], %[[SEVEN]] : index
// CHECK-NEXT:    %[[CARRY:.*]] = arith.andi %[[RUNS]], %[[NARROW]] : i1
// CHECK-NEXT:    scf.if %[[CARRY]] {
// The check, which does not depend on the step, runs once, before any step.
// CHECK:           sj.check %{{.*}}, "ValueError: output 0 of scan changes shape between steps"
// Rows of 5 to 8 columns: lanes for columns 0..3 and w-4..w-1, in one step loop.
// CHECK:           %[[FOUR:.*]] = arith.constant 4 : index
// CHECK-NEXT:      %[[WIDE:.*]] = arith.cmpi ugt, %w, %[[FOUR]] : index
// CHECK-NEXT:      scf.if %[[WIDE]] {
// CHECK-NEXT:        %[[FOUR2:.*]] = arith.constant 4 : index
// CHECK-NEXT:        %[[START:.*]] = arith.subi %w, %[[FOUR2]] : index
// CHECK-NEXT:        %[[J0:.*]] = arith.constant 0 : index
// CHECK-COUNT-3:     arith.constant
// CHECK-COUNT-3:     arith.addi %[[START]], %{{.*}} : index
// CHECK-NEXT:        %[[I0:.*]] = memref.load %r[%c0, %[[J0]]] : memref<?x?xf64>
// CHECK-COUNT-3:     memref.load %r[%c0, %{{.*}}] : memref<?x?xf64>
// CHECK-NEXT:        memref.load %r[%c0, %[[START]]] : memref<?x?xf64>
// CHECK-COUNT-3:     memref.load %r[%c0, %{{.*}}] : memref<?x?xf64>
// CHECK-NEXT:        scf.for %[[T:.*]] = %c0 to %n step %c1 iter_args(%[[P0:.*]] = %[[I0]], {{.*}}) -> ({{(f64, ){7}f64}}) {
// CHECK-NOT:           memref.load %r
// CHECK:               %[[NEXT:.*]] = arith.addi %[[T]], %c1 : index
// CHECK-NEXT:          %[[X0:.*]] = memref.load %m[%[[T]], %[[J0]]] : memref<?x?xf64>
// CHECK-NEXT:          %[[S0:.*]] = arith.addf %[[X0]], %[[P0]] : f64
// CHECK-NEXT:          memref.store %[[S0]], %r[%[[NEXT]], %[[J0]]] : memref<?x?xf64>
// CHECK-NOT:           memref.load %r
// CHECK:               memref.store %{{.*}}, %r[%[[NEXT]], %[[START]]] : memref<?x?xf64>
// CHECK-NOT:           memref.load %r
// CHECK:               scf.yield %[[S0]], {{.*}} : {{(f64, ){7}f64}}
// Rows of 3 or 4 columns: columns 0, 1 and w-2, w-1; of 1 or 2: columns 0 and w-1.
// CHECK:           } else {
// CHECK:             %[[TWO:.*]] = arith.constant 2 : index
// CHECK-NEXT:        %[[MID:.*]] = arith.cmpi ugt, %w, %[[TWO]] : index
// CHECK-NEXT:        scf.if %[[MID]] {
// CHECK:               scf.for {{.*}} -> ({{(f64, ){3}f64}}) {
// CHECK:             } else {
// CHECK:               %[[ONE2:.*]] = arith.constant 1 : index
// CHECK-NEXT:          %[[LASTCOL:.*]] = arith.subi %w, %[[ONE2]] : index
// CHECK:               scf.for {{.*}} -> (f64, f64) {
// CHECK:                 memref.store %{{.*}}, %r[%{{.*}}, %[[LASTCOL]]] : memref<?x?xf64>
// CHECK:         } else {
// CHECK-NEXT:      scf.for %t = %c0 to %n step %c1 {
// CHECK:             sj.check
// CHECK:             scf.for %j = %c0 to %w step %c1 {
// CHECK-NEXT:          %{{.*}} = memref.load %m[%t, %j] : memref<?x?xf64>
// CHECK-NEXT:          %prev = memref.load %r[%t, %j] : memref<?x?xf64>

// Left alone: the step reads row t - 1 of the state as well (two rows back).
func.func @two_rows_back(%n: index, %w: index) -> memref<?x?xf64> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %rows = arith.addi %n, %c2 : index
  %r = memref.alloc(%rows, %w) : memref<?x?xf64>
  scf.for %t = %c0 to %n step %c1 {
    %mid = arith.addi %t, %c1 : index
    %next = arith.addi %t, %c2 : index
    scf.for %j = %c0 to %w step %c1 {
      %a = memref.load %r[%t, %j] : memref<?x?xf64>
      %b = memref.load %r[%mid, %j] : memref<?x?xf64>
      %s = arith.addf %a, %b : f64
      memref.store %s, %r[%next, %j] : memref<?x?xf64>
    }
  }
  func.return %r : memref<?x?xf64>
}

// CHECK-LABEL: func.func @two_rows_back
// CHECK-NOT:     scf.if
// CHECK:         scf.for %t = %c0 to %n step %c1 {
// CHECK:           scf.for %j = %c0 to %w step %c1 {

// Left alone: a check that depends on the step, a row width that changes with
// the step, a state that is an argument (it may alias %m), a column that is
// not %j, and a column of the state read through another view (a cast).
func.func @check_on_step(%n: index, %w: index, %limit: index) -> memref<?x?xf64> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %rows = arith.addi %n, %c1 : index
  %r = memref.alloc(%rows, %w) : memref<?x?xf64>
  scf.for %t = %c0 to %n step %c1 {
    %ok = arith.cmpi slt, %t, %limit : index
    sj.check %ok, "IndexError: step out of range"
    %next = arith.addi %t, %c1 : index
    scf.for %j = %c0 to %w step %c1 {
      %p = memref.load %r[%t, %j] : memref<?x?xf64>
      memref.store %p, %r[%next, %j] : memref<?x?xf64>
    }
  }
  func.return %r : memref<?x?xf64>
}

func.func @width_on_step(%n: index) -> memref<?x?xf64> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %rows = arith.addi %n, %c1 : index
  %r = memref.alloc(%rows, %n) : memref<?x?xf64>
  scf.for %t = %c0 to %n step %c1 {
    %next = arith.addi %t, %c1 : index
    scf.for %j = %c0 to %t step %c1 {
      %p = memref.load %r[%t, %j] : memref<?x?xf64>
      memref.store %p, %r[%next, %j] : memref<?x?xf64>
    }
  }
  func.return %r : memref<?x?xf64>
}

func.func @state_is_an_argument(%r: memref<?x?xf64>, %m: memref<?x?xf64>, %n: index, %w: index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  scf.for %t = %c0 to %n step %c1 {
    %next = arith.addi %t, %c1 : index
    scf.for %j = %c0 to %w step %c1 {
      %p = memref.load %r[%t, %j] : memref<?x?xf64>
      %x = memref.load %m[%t, %j] : memref<?x?xf64>
      %s = arith.addf %p, %x : f64
      memref.store %s, %r[%next, %j] : memref<?x?xf64>
    }
  }
  func.return
}

func.func @other_column(%n: index, %w: index) -> memref<?x?xf64> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %rows = arith.addi %n, %c1 : index
  %r = memref.alloc(%rows, %w) : memref<?x?xf64>
  scf.for %t = %c0 to %n step %c1 {
    %next = arith.addi %t, %c1 : index
    scf.for %j = %c0 to %w step %c1 {
      %p = memref.load %r[%t, %c0] : memref<?x?xf64>
      memref.store %p, %r[%next, %j] : memref<?x?xf64>
    }
  }
  func.return %r : memref<?x?xf64>
}

func.func @other_column_through_a_view(%n: index, %w: index) -> memref<?x?xf64> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %rows = arith.addi %n, %c1 : index
  %r = memref.alloc(%rows, %w) : memref<?x?xf64>
  %alias = "memref.cast"(%r) : (memref<?x?xf64>) -> memref<?x?xf64>
  scf.for %t = %c0 to %n step %c1 {
    %next = arith.addi %t, %c1 : index
    scf.for %j = %c0 to %w step %c1 {
      %p = memref.load %r[%t, %j] : memref<?x?xf64>
      %q = memref.load %alias[%next, %c0] : memref<?x?xf64>
      %s = arith.addf %p, %q : f64
      memref.store %s, %r[%next, %j] : memref<?x?xf64>
    }
  }
  func.return %r : memref<?x?xf64>
}

// CHECK-LABEL: func.func @check_on_step
// CHECK-NOT:     scf.if
// CHECK:         scf.for %t
// CHECK-LABEL: func.func @width_on_step
// CHECK-NOT:     scf.if
// CHECK:         scf.for %t
// CHECK-LABEL: func.func @state_is_an_argument
// CHECK-NOT:     scf.if
// CHECK:         scf.for %t
// CHECK-LABEL: func.func @other_column
// CHECK-NOT:     scf.if
// CHECK:         scf.for %t
// CHECK-LABEL: func.func @other_column_through_a_view
// CHECK-NOT:     scf.if
// CHECK:         scf.for %t

// Left alone: a long chain per column (tanh) is better computed a whole row
// at a time, all of its vectors in flight.
func.func @expensive_step(%n: index, %w: index) -> memref<?x?xf64> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %rows = arith.addi %n, %c1 : index
  %r = memref.alloc(%rows, %w) : memref<?x?xf64>
  scf.for %t = %c0 to %n step %c1 {
    %next = arith.addi %t, %c1 : index
    scf.for %j = %c0 to %w step %c1 {
      %p = memref.load %r[%t, %j] : memref<?x?xf64>
      %q = math.tanh %p : f64
      memref.store %q, %r[%next, %j] : memref<?x?xf64>
    }
  }
  func.return %r : memref<?x?xf64>
}

// CHECK-LABEL: func.func @expensive_step
// CHECK-NOT:     scf.if
// CHECK:         scf.for %t

// A step may read a constant (a read-only global): it is not the state.
"memref.global"() <{sym_name = "__constant_0", type = memref<4xf64>, initial_value = dense<[1.0, 2.0, 3.0, 4.0]> : tensor<4xf64>, sym_visibility = "private", constant}> : () -> ()

func.func @scaled_sum(%n: index) -> memref<?x4xf64> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %rows = arith.addi %n, %c1 : index
  %k = memref.get_global @__constant_0 : memref<4xf64>
  %r = memref.alloc(%rows) : memref<?x4xf64>
  scf.for %t = %c0 to %n step %c1 {
    %next = arith.addi %t, %c1 : index
    scf.for %j = %c0 to %c4 step %c1 {
      %x = memref.load %k[%j] : memref<4xf64>
      %prev = memref.load %r[%t, %j] : memref<?x4xf64>
      %s = arith.mulf %x, %prev : f64
      memref.store %s, %r[%next, %j] : memref<?x4xf64>
    }
  }
  func.return %r : memref<?x4xf64>
}

// CHECK-LABEL: func.func @scaled_sum
// CHECK:         scf.if %{{.*}} {
// CHECK:           scf.for %{{.*}} = %c0 to %n step %c1 iter_args(
// CHECK-NOT:         memref.load %r
// CHECK:             memref.load %k[%{{.*}}] : memref<4xf64>
