// RUN: not scanjit-opt %s -p convert-memref-to-llvm 2>&1 | filecheck %s

// Only constant globals (bufferize's constant tensors) are lowered.
"memref.global"() <{sym_name = "state", type = memref<2xf64>, initial_value = dense<0.0> : tensor<2xf64>, sym_visibility = "private"}> : () -> ()

// CHECK: scanjit-opt: error: convert-memref-to-llvm: cannot lower a memref.global other than a constant
