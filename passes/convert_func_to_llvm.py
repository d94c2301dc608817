"""`convert-func-to-llvm`: lower `func.func` to the scanjit C ABI.

`func.func @f(%a0: T0, ...) -> (R0, ...)` becomes two functions:

* `llvm.func @f(%args: !llvm.ptr, %results: !llvm.ptr) -> i32` (external):
  `%args` holds one address per argument, of a NumPy array object (`id(array)`
  in Python; 0-d for a scalar), C-contiguous and of the argument's dtype: the
  argument vector of a `METH_FASTCALL` function (runtime/pyentry.ll). The wrapper
  reads NumPy's public `PyArrayObject` fields (`data` at byte 16,
  `dimensions` at byte 32), so the caller does no pointer arithmetic; a scalar
  is loaded from `data` with its own type (index as i64, i1 as a byte != 0).
  It calls `@f_impl` and returns its status. The caller keeps the arrays
  alive during the call.
* `llvm.func internal @f_impl(<flattened args>, %results) -> i32` holding the
  body, its data pointers and `%results` marked `llvm.noalias` so that LLVM
  vectorizes once the JIT inlines it. `func.return` stores the results into
  `%results`, 8-byte slots holding per result a memref's data pointer and
  sizes, or a scalar as its own type (i1 as one byte 0/1), and returns 0;
  `sj.check` (see convert-cf-to-llvm) returns k > 0.

Memref arguments are assumed not to overlap any buffer the body writes.

A private `func.func` (a loop `outline-parallel-loops` moved out) is only
called from scanjit's own code: it becomes the internal body function alone,
named as it is, with no entry point.

A body-less `func.func` is an external C function (NumPy's random
distributions): it becomes an external `llvm.func` declaration, and a
`func.call` of it an `llvm.call` passing a memref as its data pointer (the
bare-pointer convention) and other values as their LLVM types.
"""

from dataclasses import dataclass

from xdsl.context import Context
from xdsl.dialects import builtin, func, llvm
from xdsl.dialects.builtin import (
    DictionaryAttr,
    MemRefType,
    UnitAttr,
    i32,
    i64,
)
from xdsl.ir import Attribute, Block, Operation, Region, SSAValue
from xdsl.passes import ModulePass
from xdsl.pattern_rewriter import (
    PatternRewriter,
    RewritePattern,
    op_type_rewrite_pattern,
)
from xdsl.rewriter import InsertPoint
from xdsl.traits import SymbolTable
from xdsl.utils.exceptions import PassFailedException

from scanjit.dialects.abi import ARRAY_DATA, ARRAY_DIMENSIONS, RESULTS_ARRAY
from scanjit.passes.support.llvm_common import (
    I8,
    PTR,
    const,
    extract,
    flat_types,
    flatten,
    from_llvm,
    llvm_type,
    load_slot,
    pack,
    replace_with,
    store_slot,
    to_llvm,
)

NOALIAS = DictionaryAttr({"llvm.noalias": UnitAttr()})


def _lower_return(ret: func.ReturnOp, results: SSAValue, rewriter: PatternRewriter):
    ops, fields = flatten(ret.arguments)
    for k, field in enumerate(fields):
        ops += store_slot(results, k, field)
    zero = const(0, i32)
    rewriter.replace(ret, [*ops, zero, llvm.ReturnOp(zero.results[0])])


def _field(base: SSAValue, offset: int, t: Attribute) -> list[Operation]:
    """Ops loading a `t` at byte `offset` of `base`; the last one's result."""
    gep = llvm.GEPOp(base, [offset], I8)
    return [gep, llvm.LoadOp(gep, t, alignment=8)]


def _unpack_array(array: SSAValue, t: Attribute) -> tuple[list[Operation], list[SSAValue]]:
    """Ops reading argument `t` from a NumPy array object, and the values the
    impl function takes for it: a memref's data pointer and sizes, or a
    scalar's value."""
    ops = _field(array, ARRAY_DATA, PTR)
    data = ops[-1].results[0]
    if not isinstance(t, MemRefType):
        ops += load_slot(data, 0, llvm_type(t))
        return ops, [ops[-1].results[0]]
    ops += _field(array, ARRAY_DIMENSIONS, PTR)
    dims, values = ops[-1].results[0], [data]
    for axis in range(t.get_num_dims()):
        ops += load_slot(dims, axis, i64)
        values.append(ops[-1].results[0])
    return ops, values


def _wrapper(name: str, impl: str, arg_types: list[Attribute]) -> llvm.FuncOp:
    """`@name(%args, %results) -> i32`: unpack the array objects whose
    addresses `%args` holds, call `@impl`."""
    block = Block(arg_types=[PTR, PTR])
    args, results = block.args
    values: list[SSAValue] = []
    for k, t in enumerate(arg_types):
        block.add_ops(address := load_slot(args, k, PTR))
        ops, unpacked = _unpack_array(address[-1].results[0], t)
        block.add_ops(ops)
        values += unpacked
    call = llvm.CallOp(impl, *values, results, return_type=i32)
    block.add_ops([call, llvm.ReturnOp(call.returned)])
    signature = llvm.LLVMFunctionType([PTR, PTR], i32)
    return llvm.FuncOp(
        name, signature, linkage=llvm.LinkageAttr("external"), body=Region(block)
    )


def _c_type(t: Attribute) -> Attribute:
    """Bare-pointer convention for external C functions: a memref is its data pointer."""
    return PTR if isinstance(t, MemRefType) else llvm_type(t)


class CallLowering(RewritePattern):
    """func.call of an external declaration -> llvm.call with C types."""

    @op_type_rewrite_pattern
    def match_and_rewrite(self, op: func.CallOp, rewriter: PatternRewriter, /):
        callee = SymbolTable.lookup_symbol(op, op.callee)
        if not isinstance(callee, func.FuncOp) or callee.body.blocks:
            raise PassFailedException(
                f"convert-func-to-llvm: func.call of @{op.callee.string_value()}, "
                "which is not an external declaration")
        ops: list[Operation] = []
        args: list[SSAValue] = []
        for arg in op.arguments:
            value = to_llvm(arg)
            if isinstance(arg.type, MemRefType):
                ops.append(field := extract(value, 0, PTR))
                value = field.results[0]
            args.append(value)
        if len(op.res) > 1:
            raise PassFailedException("convert-func-to-llvm: cannot lower a func.call with several results")
        result_type = llvm_type(op.res[0].type) if op.res else None
        call = llvm.CallOp(op.callee.string_value(), *args, return_type=result_type)
        replace_with(rewriter, op, [*ops, call], [call.returned] if op.res else [])


class FuncLowering(RewritePattern):
    @op_type_rewrite_pattern
    def match_and_rewrite(self, op: func.FuncOp, rewriter: PatternRewriter, /):
        name = op.sym_name.data
        if not op.body.blocks:  # an external C function
            outputs = op.function_type.outputs.data
            if len(outputs) > 1:
                raise PassFailedException(f"convert-func-to-llvm: cannot lower the func.func "
                                          f"declaration @{name} with several results")
            result = llvm_type(outputs[0]) if outputs else llvm.LLVMVoidType()
            signature = llvm.LLVMFunctionType([_c_type(t) for t in op.function_type.inputs], result)
            rewriter.replace(op, [llvm.FuncOp(name, signature, linkage=llvm.LinkageAttr("external"))], [])
            return
        inputs = [t for a in op.function_type.inputs for t in flat_types(a)]
        body = rewriter.move_region_contents_to_new_regions(op.body)
        entry = body.first_block
        assert entry is not None

        # New flattened entry arguments replace the old typed ones.
        old_args = list(entry.args)
        for arg in old_args:
            new = [entry.insert_arg(t, len(entry.args)) for t in flat_types(arg.type)]
            new[0].name_hint = arg.name_hint
            at = InsertPoint.at_start(entry)
            if isinstance(arg.type, MemRefType):
                ops = pack(new[0], new[1:])
                rewriter.insert(ops, at)
                value = ops[-1].results[0]
            else:
                value = new[0]
            arg.replace_all_uses_with(from_llvm(value, arg.type, at))
        for arg in old_args:
            entry.erase_arg(arg)
        results = entry.insert_arg(PTR, len(entry.args))

        for ret in [o for o in body.walk() if isinstance(o, func.ReturnOp)]:
            _lower_return(ret, results, rewriter)

        private = op.sym_visibility is not None and op.sym_visibility.data == "private"
        impl_name = name if private else f"{name}_impl"
        noalias = [NOALIAS if t == PTR else DictionaryAttr({}) for t in inputs]
        impl = llvm.FuncOp(
            impl_name,
            llvm.LLVMFunctionType([*inputs, PTR], i32),
            linkage=llvm.LinkageAttr("internal"),
            body=body,
            other_props={"arg_attrs": builtin.ArrayAttr([*noalias, NOALIAS])},
        )
        if not private:  # its last argument is the caller's result slots
            impl.attributes[RESULTS_ARRAY] = UnitAttr()
        wrapper = [] if private else [_wrapper(name, impl_name, list(op.function_type.inputs))]
        rewriter.replace(op, [impl, *wrapper], [])


@dataclass(frozen=True)
class ConvertFuncToLLVMPass(ModulePass):
    name = "convert-func-to-llvm"

    def apply(self, ctx: Context, op: builtin.ModuleOp) -> None:
        # One walk finds the calls; the functions are the module's own ops
        # (pattern walkers over every op were most of this pass's time).
        calls = []
        for inner in op.walk():
            if isinstance(inner, func.CallOp):
                calls.append(inner)
            elif inner.dialect_name() == "func" and not isinstance(inner, func.FuncOp | func.ReturnOp):
                raise PassFailedException(f"convert-func-to-llvm: cannot lower {inner.name}")
        for call in calls:
            CallLowering().match_and_rewrite(call, PatternRewriter(call))
        for function in [f for f in op.body.block.ops if isinstance(f, func.FuncOp)]:
            FuncLowering().match_and_rewrite(function, PatternRewriter(function))
